package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * A controller restart in the middle of a {@code node} block: the build resumes on the same agent (same container),
 * and the agent goes when the block ends. Before one-shot retention honoured {@code willContinue()}, the agent was
 * terminated when Jenkins stopped, and the resumed block had nowhere to run.
 */
class RestartJenkinsTest {
    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void aNodeBlockResumesOnTheSameAgentAfterARestart() throws Throwable {
        String[] scope = new String[1];
        sessions.then(r -> {
            JenkinsDocker.require();
            SystemContainerCloud cloud = JenkinsDocker.cloud(r.jenkins);
            scope[0] = JenkinsDocker.scope(r.jenkins, cloud);
            WorkflowJob p = r.createProject(WorkflowJob.class, "restart");
            p.setDefinition(new CpsFlowDefinition("node('docker') {\n"
                    + "  sh 'hostname > before.txt; echo \"STARTED on $NODE_NAME\"; sleep 20'\n"
                    + "  sh 'echo \"container before=$(cat before.txt) after=$(hostname) node=$NODE_NAME\"'\n"
                    + "}", true));
            WorkflowRun b = p.scheduleBuild2(0).waitForStart();
            r.waitForMessage("STARTED on sca-docker-", b);
        });
        sessions.then(r -> {
            WorkflowJob p = r.jenkins.getItemByFullName("restart", WorkflowJob.class);
            WorkflowRun b = p.getBuildByNumber(1);
            r.assertBuildStatusSuccess(r.waitForCompletion(b));
            String log = b.getLog();
            Matcher started = Pattern.compile("STARTED on (sca-docker-[0-9a-f]{8})").matcher(log);
            Matcher after = Pattern.compile("container before=(\\S+) after=(\\S+) node=(\\S+)").matcher(log);
            assertTrue(started.find() && after.find(), log);
            assertEquals(after.group(1), after.group(2), "the block resumed in another container:\n" + log);
            assertEquals(started.group(1), after.group(3), "the block resumed on another agent:\n" + log);
            assertNotNull(scope[0]);
            JenkinsDocker.awaitNoContainers(scope[0], Duration.ofSeconds(60));
            assertEquals(java.util.List.of(), r.jenkins.getNodes(), "the one-shot agent is gone after the block");
            JenkinsDocker.purge(scope[0]);
        });
    }
}
