package io.jenkins.plugins.syscontainer.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.Result;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.time.Duration;
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
 * A pipeline's agent in the faults users meet, against real Docker and real Sysbox: the build is aborted, or a
 * {@code timeout} or a failing {@code parallel} branch ends the block, while the agent is still being provisioned;
 * the agent's container is killed under a running {@code sh}. What the user sees (result, reason in the log) is
 * checked, and that nothing is left: no node, no container, no lease held, no volume beyond the cap.
 */
@WithJenkins
class StepFaultsJenkinsTest {
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

    /** Waits until the agent's container exists (the provision is under way), for a fault to hit it then. */
    private void awaitContainer() throws InterruptedException {
        FaultChecks.await(() -> !JenkinsDocker.containers(scope).isEmpty(), Duration.ofSeconds(60), "the agent's container");
    }

    @Test
    void aBuildAbortedWhileItsAgentProvisionsLeavesNothing() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "aborted");
        p.setDefinition(new CpsFlowDefinition("systemContainerAgent(template: 'docker') { sh 'echo the-body-ran' }", true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        awaitContainer();
        b.doStop();
        r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(b)); // the user pressed stop: ABORTED is right here
        r.assertLogNotContains("the-body-ran", b);
        long t = System.nanoTime();
        FaultChecks.nothingLeft(r.jenkins, cloud);
        System.out.println("abort while provisioning: everything gone " + (System.nanoTime() - t) / 1_000_000
                + " ms after the build ended");
    }

    @Test
    void aTimeoutOrAFailingBranchWhileTheAgentProvisionsLeavesNothing() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "timeout");
        p.setDefinition(new CpsFlowDefinition("timeout(time: 1, unit: 'SECONDS') {\n"
                + "  systemContainerAgent(template: 'docker') { sh 'echo the-body-ran' }\n"
                + "}", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.ABORTED, p); // Jenkins' timeout step aborts by design
        r.assertLogContains("Timeout has been exceeded", b);
        r.assertLogNotContains("the-body-ran", b);
        FaultChecks.nothingLeft(r.jenkins, cloud);

        WorkflowJob q = r.createProject(WorkflowJob.class, "fail-fast");
        q.setDefinition(new CpsFlowDefinition("parallel(failFast: true,\n"
                + "  broken: { sleep 2; error 'a sibling failed' },\n"
                + "  agent: { systemContainerAgent(template: 'docker') { sh 'echo the-body-ran; sleep 60' } })", true));
        WorkflowRun c = r.buildAndAssertStatus(Result.FAILURE, q);
        r.assertLogContains("a sibling failed", c);
        FaultChecks.nothingLeft(r.jenkins, cloud);
    }

    /**
     * The container killed under a running {@code sh}: the build fails (not aborted) with the container's exit code and
     * whether it was OOM-killed; with {@code retry(conditions: [agent()])} the block runs again on a fresh agent.
     */
    @Test
    void aKilledAgentFailsTheBuildWithTheReasonAndRetryRunsOnAFreshAgent() throws Exception {
        WorkflowJob once = r.createProject(WorkflowJob.class, "killed");
        once.setDefinition(new CpsFlowDefinition("systemContainerAgent(template: 'docker') {\n"
                + "  sh 'echo WAITING; sleep 300'\n"
                + "}", true));
        WorkflowRun b = once.scheduleBuild2(0).waitForStart();
        r.waitForMessage("WAITING", b);
        kill();
        long t = System.nanoTime();
        r.assertBuildStatus(Result.FAILURE, r.waitForCompletion(b));
        System.out.println("killed agent: build over " + (System.nanoTime() - t) / 1_000_000 + " ms after the kill");
        r.assertLogContains("with exit code 137, not OOM-killed", b);
        FaultChecks.nothingLeft(r.jenkins, cloud);

        WorkflowJob retried = r.createProject(WorkflowJob.class, "retried");
        retried.setDefinition(new CpsFlowDefinition("def attempt = 0\n"
                + "retry(count: 2, conditions: [agent()]) {\n"
                + "  attempt++\n"
                + "  systemContainerAgent(template: 'docker') {\n"
                + "    sh \"echo ATTEMPT-${attempt}-on-\\$NODE_NAME; if [ ${attempt} = 1 ]; then echo WAITING; sleep 300; fi\"\n"
                + "  }\n"
                + "}", true));
        WorkflowRun c = retried.scheduleBuild2(0).waitForStart();
        r.waitForMessage("WAITING", c);
        kill();
        r.assertBuildStatusSuccess(r.waitForCompletion(c));
        r.assertLogContains("ATTEMPT-2-on-sca-docker-", c);

        WorkflowJob plain = r.createProject(WorkflowJob.class, "retried-node");
        plain.setDefinition(new CpsFlowDefinition("def attempt = 0\n"
                + "retry(count: 2, conditions: [agent()]) {\n"
                + "  attempt++\n"
                + "  node('docker') {\n"
                + "    sh \"echo ATTEMPT-${attempt}; if [ ${attempt} = 1 ]; then echo WAITING; sleep 300; fi\"\n"
                + "  }\n"
                + "}", true));
        WorkflowRun d = plain.scheduleBuild2(0).waitForStart();
        r.waitForMessage("WAITING", d);
        kill();
        r.assertBuildStatusSuccess(r.waitForCompletion(d));
        r.assertLogContains("ATTEMPT-2", d);
        FaultChecks.nothingLeft(r.jenkins, cloud);
    }

    /** Kills the one running agent's container, as the OOM killer or an operator would. */
    private void kill() {
        List<SystemContainerAgent> agents = SystemContainerAgent.all(cloud.getCloudId());
        assertEquals(1, agents.size(), "one agent runs: " + agents);
        var containers = DockerTestSupport.client().listContainersCmd()
                .withLabelFilter(Map.of(Labels.CONTROLLER, scope, Labels.AGENT, agents.get(0).getNodeName())).exec();
        assertEquals(1, containers.size());
        DockerTestSupport.client().killContainerCmd(containers.get(0).getId()).exec();
    }
}
