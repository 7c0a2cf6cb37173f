package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.Result;
import hudson.tasks.Shell;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * What users do, end to end: a real Jenkins 2.555.3, the local Docker engine, agents under the real Sysbox. Each test
 * checks that no container is left behind once its builds are over.
 */
@WithJenkins
class EndToEndJenkinsTest {
    private JenkinsRule r;
    private SystemContainerCloud cloud;
    private String scope;

    @BeforeEach
    void cloud(JenkinsRule rule) throws Exception {
        JenkinsDocker.require();
        r = rule;
        cloud = JenkinsDocker.cloud(r.jenkins);
        scope = JenkinsDocker.scope(r.jenkins, cloud);
    }

    @AfterEach
    void purge() {
        if (scope != null) {
            JenkinsDocker.purge(scope);
        }
    }

    @Test
    void aFreestyleBuildWithTheTemplatesLabelRunsDockerInItsAgentWhichIsGoneAfterwards() throws Exception {
        FreeStyleProject p = r.createFreeStyleProject("freestyle");
        p.setAssignedLabel(Label.get("docker"));
        p.getBuildersList().add(new Shell("docker run --rm sca-test/busybox:latest echo hello-from-an-inner-container\n"
                + "echo \"agent=$NODE_NAME\""));
        FreeStyleBuild b = r.buildAndAssertSuccess(p);
        r.assertLogContains("hello-from-an-inner-container", b);
        r.assertLogContains("agent=sca-docker-", b);
        JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(60));
        assertEquals(List.of(), r.jenkins.getNodes(), "the one-shot agent is gone");
    }

    @Test
    void aPipelineNodeBlockBuildsAndRunsAnImage() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "pipeline-build");
        p.setDefinition(new CpsFlowDefinition("node('docker') {\n"
                + "  writeFile file: 'Dockerfile', text: 'FROM sca-test/busybox:latest\\nRUN echo built-in-the-agent > /built.txt\\n'\n"
                + "  sh 'docker build -t app:1 . && docker run --rm app:1 cat /built.txt'\n"
                + "}", true));
        WorkflowRun b = r.buildAndAssertSuccess(p);
        r.assertLogContains("built-in-the-agent", b);
        JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(60));
    }

    /** The second build on the same cache key finds what the first one left in /var/lib/docker. */
    @Test
    void theStepRunsDockerAndTheSecondBuildOnTheSameCacheStartsWarm() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "warm");
        p.setDefinition(new CpsFlowDefinition("systemContainerAgent(template: 'docker', cache: 'warm') {\n"
                + "  sh '''if docker image inspect warm-marker:1 >/dev/null 2>&1; then echo CACHE=WARM; else echo CACHE=COLD;\n"
                + "        printf 'FROM sca-test/busybox:latest\\\\nRUN echo marker > /marker\\\\n' | docker build -t warm-marker:1 -; fi'''\n"
                + "  sh 'docker run --rm warm-marker:1 cat /marker'\n"
                + "}", true));
        WorkflowRun first = r.buildAndAssertSuccess(p);
        r.assertLogContains("CACHE=COLD", first);
        r.assertLogContains("VOLUME_LEASED in ", first);
        r.assertLogContains("(new)", first);
        JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(60)); // its volume is released warm
        WorkflowRun second = r.buildAndAssertSuccess(p);
        r.assertLogContains("CACHE=WARM", second);
        r.assertLogContains("(reused)", second);
        r.assertLogContains("marker", second);
        JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(60));
    }

    @Test
    void twoBuildsAtOnceGetTwoAgentsAndTwoCacheVolumes() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "concurrent");
        p.setConcurrentBuild(true);
        p.setDefinition(new CpsFlowDefinition("node('docker') { sh 'echo on-$NODE_NAME; sleep 8' }", true));
        // One after the other into the queue: two identical requests would be merged into one build.
        WorkflowRun f1 = p.scheduleBuild2(0).waitForStart();
        WorkflowRun f2 = p.scheduleBuild2(0).waitForStart();
        Map<String, String> volumes = new HashMap<>();
        long deadline = System.currentTimeMillis() + 120_000;
        while (volumes.size() < 2 && System.currentTimeMillis() < deadline) {
            for (Node n : r.jenkins.getNodes()) {
                if (n instanceof SystemContainerAgent a) {
                    volumes.put(a.getNodeName(), a.getCacheVolume());
                }
            }
            Thread.sleep(200);
        }
        r.assertBuildStatusSuccess(r.waitForCompletion(f1));
        r.assertBuildStatusSuccess(r.waitForCompletion(f2));
        assertEquals(2, volumes.size(), "agents seen: " + volumes);
        List<String> v = new ArrayList<>(volumes.values());
        assertNotEquals(v.get(0), v.get(1), "two live agents share a cache volume: " + volumes);
        JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(60));
    }

    /**
     * A template whose image is missing (and may not be pulled) fails the Pipeline builds only it can serve at once,
     * with the reason in their log; saving the fixed configuration lifts the suspension at once, not 10 minutes later.
     */
    @Test
    void aBrokenTemplateFailsFastWithTheReasonAndRecoversOnceFixed() throws Exception {
        AgentTemplate t = cloud.getTemplates().get(0);
        t.setImage("sca-test/absent:1");
        WorkflowJob p = r.createProject(WorkflowJob.class, "broken-then-fixed");
        p.setDefinition(new CpsFlowDefinition("node('docker') { sh 'echo the-body-ran' }", true));
        long t0 = System.nanoTime();
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p); // with the reason: nobody pressed stop
        long ms = (System.nanoTime() - t0) / 1_000_000;
        r.assertLogContains("no agent can be provisioned for label 'docker': template docker of cloud ci is suspended", b);
        r.assertLogContains("IMAGE_MISSING", b);
        r.assertLogNotContains("the-body-ran", b);
        System.out.println("a build only a template with a missing image could serve ended in " + ms + " ms");
        assertTrue(ms < 60_000, "took " + ms + " ms");

        // The administrator fixes the image and saves the cloud's page (a new cloud object, as every save makes).
        t.setImage(io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport.AGENT_IMAGE);
        r.submit(r.createWebClient().goTo("cloud/ci/configure").getFormByName("config"));
        SystemContainerCloud fixed = (SystemContainerCloud) r.jenkins.getCloud("ci");
        assertNotEquals(System.identityHashCode(cloud), System.identityHashCode(fixed), "the form was not saved");
        assertEquals(cloud.getCloudId(), fixed.getCloudId(), "saving keeps the cloud's id");
        assertEquals(List.of(), fixed.getSuspensionLines(), "a saved configuration starts without suspensions");
        r.assertLogContains("the-body-ran", r.buildAndAssertSuccess(p));
        JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(60));
    }
}
