package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.Result;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The {@code systemContainerAgent} step in a real pipeline. */
@WithJenkins
class PipelineStepJenkinsTest {
    @Test
    void aBadArgumentFailsTheStepBeforeAnyProvisioningAndIsNamed(JenkinsRule r) throws Exception {
        SystemContainerCloud x = unreachableCloud(r);
        WorkflowJob p = r.createProject(WorkflowJob.class, "bad-arguments");
        p.setDefinition(new CpsFlowDefinition(
                "systemContainerAgent(cloud: 'x', image: 'bad image!!') { echo 'the body ran' }", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
        r.assertLogContains("field 'image'", b);
        r.assertLogNotContains("[system-container] provisioning", b);
        r.assertLogNotContains("the body ran", b);

        p.setDefinition(new CpsFlowDefinition("systemContainerAgent(cloud: 'nope') { echo 'the body ran' }", true));
        WorkflowRun b2 = r.buildAndAssertStatus(Result.FAILURE, p);
        r.assertLogContains("argument 'cloud': no System Container Agents cloud named 'nope'", b2);
        x.setTemplates(List.of(new AgentTemplate("private")));
        p.setDefinition(new CpsFlowDefinition("systemContainerAgent(cloud: 'x', label: 'private') { echo 'the body ran' }", true));
        WorkflowRun b3 = r.buildAndAssertStatus(Result.FAILURE, p);
        r.assertLogContains("template 'private' of cloud 'x' is not offered to pipelines", b3);
        assertEquals(List.of(), r.jenkins.getNodes(), "no agent was added");
    }

    /** Cloud "x", whose only host does not exist: nothing can be provisioned there. */
    private static SystemContainerCloud unreachableCloud(JenkinsRule r) {
        SystemContainerCloud x = new SystemContainerCloud("x");
        x.setHosts(List.of(new DockerHostEntry("nowhere", "unix:///nonexistent/docker.sock")));
        r.jenkins.clouds.add(x);
        return x;
    }

    /**
     * A template that cannot work is suspended at once (its problem is found before any host is asked, so also when
     * the only host is down, as here), and the queued {@code node} block only it
     * could serve is dropped from the queue (the pipeline is aborted: "Queue task was cancelled") instead of waiting.
     */
    @Test
    void aBuildOnlyABrokenTemplateCouldServeIsDroppedNotLeftWaiting(JenkinsRule r) throws Exception {
        AgentTemplate broken = new AgentTemplate("broken");
        broken.setImage("Not A Valid Image");
        unreachableCloud(r).setTemplates(List.of(broken));
        WorkflowJob p = r.createProject(WorkflowJob.class, "broken-template");
        p.setDefinition(new CpsFlowDefinition("node('broken') { echo 'the body ran' }", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.ABORTED, p);
        r.assertLogNotContains("the body ran", b);
        assertEquals(List.of(), r.jenkins.getNodes(), "no agent was added");
    }

    @Test
    void theBodyRunsOnASystemContainerWithItsOwnDocker(JenkinsRule r) throws Exception {
        boolean socket = Files.exists(Path.of("/var/run/docker.sock"));
        if (!socket) {
            System.out.println("SKIPPED (Docker-backed test): no /var/run/docker.sock");
        }
        Assumptions.assumeTrue(socket, "no /var/run/docker.sock");
        DockerTestSupport.requireImage(AgentTemplate.DEFAULT_IMAGE); // and the sysbox-runc runtime
        SystemContainerCloud ci = new SystemContainerCloud("ci");
        ci.setHosts(List.of(new DockerHostEntry("local", "unix:///var/run/docker.sock")));
        ci.setAllowedRuntimes("sysbox-runc");
        r.jenkins.clouds.add(ci);
        WorkflowJob p = r.createProject(WorkflowJob.class, "inner-docker");
        p.setDefinition(new CpsFlowDefinition(
                "systemContainerAgent(cloud: 'ci') { sh 'docker info --format {{.Driver}}' }", true));
        WorkflowRun b = r.buildAndAssertSuccess(p);
        r.assertLogContains("[system-container] provisioning ", b);
        r.assertLogContains("(image system-container-agent:latest, cache none) on cloud ci", b);
        r.assertLogContains("[system-container] INNER_DOCKER_READY in ", b);
        r.assertLogContains("[system-container] running the body on ", b);
        r.assertLogContains("overlay2", b); // the inner Docker's storage driver: the image store the cache relies on
        assertEquals(List.of(), r.jenkins.getNodes(), "the agent is terminated when the body ends");
    }
}
