package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.time.Duration;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The {@code systemContainerAgent} step in a real pipeline: refusals before any provisioning, and a real agent. */
@WithJenkins
class PipelineStepJenkinsTest {
    /** Cloud "x", whose only host does not exist: nothing can be provisioned there. */
    private static SystemContainerCloud unreachableCloud(JenkinsRule r) {
        SystemContainerCloud x = new SystemContainerCloud("x");
        x.setHosts(List.of(new DockerHostEntry("nowhere", "unix:///nonexistent/docker.sock")));
        r.jenkins.clouds.add(x);
        return x;
    }

    @Test
    void refusalsFailTheStepBeforeAnyProvisioningAndNameTheArgument(JenkinsRule r) throws Exception {
        SystemContainerCloud x = unreachableCloud(r);
        WorkflowJob p = r.createProject(WorkflowJob.class, "refusals");
        p.setDefinition(new CpsFlowDefinition("systemContainerAgent(cloud: 'x') { echo 'the body ran' }", true));
        r.assertLogContains("cloud 'x' offers no template to pipelines", r.buildAndAssertStatus(Result.FAILURE, p));

        AgentTemplate t = new AgentTemplate("docker");
        t.setAllowInPipelines(true);
        t.setCpus(2);
        AgentTemplate hidden = new AgentTemplate("private");
        x.setTemplates(List.of(t, hidden));
        for (String[] c : List.of(
                new String[] {"systemContainerAgent(cloud: 'nope') { echo 'the body ran' }",
                    "argument 'cloud': no System Container Agents cloud named 'nope'"},
                new String[] {"systemContainerAgent(cloud: 'x', template: 'private') { echo 'the body ran' }",
                    "template 'private' of cloud 'x' is not offered to pipelines"},
                new String[] {"systemContainerAgent(cloud: 'x', cpus: 256) { echo 'the body ran' }",
                    "argument 'cpus': 256.0 is more than template 'docker' allows (2.0)"},
                new String[] {"systemContainerAgent(cloud: 'x', image: 'docker.io/library/alpine:3') { echo 'the body ran' }",
                    "argument 'image': 'docker.io/library/alpine:3' is not among the images template 'docker' lets pipelines choose"},
                new String[] {"systemContainerAgent(cloud: 'x', memoryMb: 10) { echo 'the body ran' }", "argument 'memoryMb': must be between 256 MiB"})) {
            p.setDefinition(new CpsFlowDefinition(c[0], true));
            WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
            r.assertLogContains(c[1], b);
            r.assertLogNotContains("the body ran", b);
            r.assertLogNotContains("serves label", b);
        }
        assertEquals(List.of(), r.jenkins.getNodes(), "no agent was added");
    }

    /**
     * A template whose settings cannot work fails the builds only it could serve at once, with the reason in the build
     * log, even though its only host is down; and serves them once fixed.
     */
    @Test
    void aBrokenTemplateFailsItsBuildsFastWithTheReason(JenkinsRule r) throws Exception {
        // as saved by an earlier version (a form or configuration as code would refuse the image at once)
        AgentTemplate broken = (AgentTemplate) jenkins.model.Jenkins.XSTREAM2.fromXML("<io.jenkins.plugins.syscontainer.AgentTemplate>"
                + "<name>broken</name><image>Not A Valid Image</image></io.jenkins.plugins.syscontainer.AgentTemplate>");
        unreachableCloud(r).setTemplates(List.of(broken));
        WorkflowJob p = r.createProject(WorkflowJob.class, "broken-template");
        p.setDefinition(new CpsFlowDefinition("node('broken') { echo 'the body ran' }", true));
        long t = System.nanoTime();
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p); // with the reason: nobody pressed stop
        long ms = (System.nanoTime() - t) / 1_000_000;
        r.assertLogContains("no agent can be provisioned for label 'broken': template broken of cloud x cannot provision:"
                + " field 'image'", b);
        r.assertLogNotContains("the body ran", b);
        System.out.println("a build only a broken template could serve ended in " + ms + " ms");
        assertTrue(ms < 30_000, "took " + ms + " ms");
        assertEquals(List.of(), r.jenkins.getNodes(), "no agent was added");
    }

    @Test
    void theBodyRunsOnASystemContainerWithItsOwnDocker(JenkinsRule r) throws Exception {
        JenkinsDocker.require();
        SystemContainerCloud ci = JenkinsDocker.cloud(r.jenkins);
        String scope = JenkinsDocker.scope(r.jenkins, ci);
        try {
            WorkflowJob p = r.createProject(WorkflowJob.class, "inner-docker");
            p.setDefinition(new CpsFlowDefinition("systemContainerAgent(template: 'docker') {\n"
                    + "  sh 'docker info --format {{.Driver}}; echo \"node=$NODE_NAME ws=$WORKSPACE\"'\n"
                    + "  sh 'docker run --rm sca-test/busybox:latest echo hello-from-inner'\n"
                    + "}", true));
            long t0 = System.nanoTime();
            WorkflowRun b = r.buildAndAssertSuccess(p);
            System.out.println("step build took " + (System.nanoTime() - t0) / 1_000_000 + " ms; log:\n" + b.getLog());
            r.assertLogContains("[system-container] template docker of cloud ci serves label sca-docker-", b);
            r.assertLogContains("[system-container] INNER_DOCKER_READY in ", b);
            r.assertLogContains("overlay2", b); // the inner Docker's storage driver: the image store the cache relies on
            r.assertLogContains("node=sca-docker-", b); // a real node block: NODE_NAME and WORKSPACE are set
            r.assertLogContains("ws=/home/jenkins/agent/workspace/inner-docker", b);
            r.assertLogContains("hello-from-inner", b);
            JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(60));
            assertEquals(List.of(), r.jenkins.getNodes(), "the agent is terminated when the block ends");
        } finally {
            JenkinsDocker.purge(scope);
        }
    }
}
