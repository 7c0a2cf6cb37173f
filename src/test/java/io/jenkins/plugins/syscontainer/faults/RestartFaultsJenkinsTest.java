package io.jenkins.plugins.syscontainer.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.DockerHostEntry;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.agent.OneShotRetention;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.HostStatus;
import io.jenkins.plugins.syscontainer.testsupport.DockerSocketProxy;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.flow.FlowExecution;
import org.jenkinsci.plugins.workflow.flow.FlowExecutionListener;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * Controller restarts in the faults production brings, against real Docker and real Sysbox: a host that is down
 * while the controller starts (its running agents and idle cache volumes must be known again when it comes back,
 * before anything is placed there), and Pipelines that take longer than a minute to resume (their one-shot agents must
 * wait for them, not be removed under them).
 */
class RestartFaultsJenkinsTest {
    static {
        System.setProperty("io.jenkins.plugins.syscontainer.provisioning.EngineUpkeep.periodSeconds", "2");
    }

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    private static final Pattern AGENT = Pattern.compile("STARTED on (sca-docker-[0-9a-f]{8})");

    @Test
    void aHostDownWhileTheControllerStartsIsRecoveredWhenItComesBack() throws Throwable {
        String[] scope = new String[1];
        String[] idleVolume = new String[1];
        try (DockerSocketProxy proxy = new DockerSocketProxy()) {
            sessions.then(r -> {
                JenkinsDocker.require();
                SystemContainerCloud c = new SystemContainerCloud("far");
                c.setHosts(List.of(new DockerHostEntry("far", proxy.uri())));
                AgentTemplate t = JenkinsDocker.template("docker");
                t.setCacheMaxVolumes(2);
                c.setTemplates(List.of(t));
                r.jenkins.clouds.add(c);
                r.jenkins.save();
                scope[0] = JenkinsDocker.scope(r.jenkins, c);
                WorkflowJob warm = r.createProject(WorkflowJob.class, "warm");
                warm.setDefinition(new CpsFlowDefinition("node('docker') { sh 'true' }", true));
                r.buildAndAssertSuccess(warm); // leaves an idle cache volume
                FaultChecks.await(() -> r.jenkins.getNodes().isEmpty(), Duration.ofSeconds(60), "the first agent to go");
                idleVolume[0] = c.engine().caches().get(0).volumes().get(0).name();
                WorkflowJob p = r.createProject(WorkflowJob.class, "long");
                p.setDefinition(new CpsFlowDefinition("node('docker') {\n"
                        + "  sh 'echo \"STARTED on $NODE_NAME\"; sleep 40'\n"
                        + "  sh 'echo \"DONE on $NODE_NAME\"'\n"
                        + "}", true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                r.waitForMessage("STARTED on sca-docker-", b);
                proxy.stop(); // the host goes down with the controller
            });
            sessions.then(r -> {
                // Jenkins' production wait for an agent to come back after a restart (tests shorten it to 15 s).
                org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution.TIMEOUT_WAITING_FOR_NODE_MILLIS = 300_000;
                SystemContainerCloud c = (SystemContainerCloud) r.jenkins.getCloud("far");
                FaultChecks.await(() -> c.engineIfReady() != null, Duration.ofSeconds(90), "the engine's recovery");
                HostStatus down = c.engine().hosts().get(0);
                assertFalse(down.recovered(), "a host that was down at the start is not recovered: " + down);
                proxy.start();
                FaultChecks.await(() -> c.engine().hosts().get(0).recovered(), Duration.ofSeconds(90),
                        "the host to be recovered once it answers");
                HostStatus back = c.engine().hosts().get(0);
                System.out.println("host back after a restart: " + back);
                assertEquals(1, back.agents(), "the running agent holds its slot again");
                CacheStats pool = c.engine().caches().get(0);
                assertTrue(pool.volumes().stream().anyMatch(v -> v.name().equals(idleVolume[0]) && v.state().equals("idle")),
                        "the idle volume is known again: " + pool.toJson());
                WorkflowRun b = r.jenkins.getItemByFullName("long", WorkflowJob.class).getBuildByNumber(1);
                r.assertBuildStatusSuccess(r.waitForCompletion(b));
                Matcher started = AGENT.matcher(b.getLog());
                assertTrue(started.find(), b.getLog());
                r.assertLogContains("DONE on " + started.group(1), b);
                WorkflowJob again = r.jenkins.getItemByFullName("warm", WorkflowJob.class);
                r.assertBuildStatusSuccess(again.scheduleBuild2(0));
                long cacheVolumes = JenkinsDocker.volumes(scope[0]).stream().filter(v -> v.startsWith("sca-cache-")).count();
                assertTrue(cacheVolumes <= 2, "volumes within the pool's cap of 2: " + JenkinsDocker.volumes(scope[0]));
                FaultChecks.nothingLeft(r.jenkins, c);
            });
        } finally {
            if (scope[0] != null) {
                JenkinsDocker.purge(scope[0]);
            }
        }
    }

    /** Holds back the resumption of Pipelines (their steps' onResume) while {@link #hold} is set. */
    private static final String CHECK = OneShotRetention.class.getName() + ".resumeQueueCheckSeconds";

    @TestExtension("aOneShotAgentWaitsForAPipelineThatResumesSlowly")
    public static final class SlowResume extends FlowExecutionListener {
        static volatile long hold;

        @Override
        public void onResumed(FlowExecution execution) {
            try {
                Thread.sleep(hold);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A Pipeline whose resumption after a restart takes longer than the agent's queue check (a busy controller) still finds its
     * one-shot agent: the agent waits while the run is building, instead of being removed after 60 s.
     */
    @Test
    void aOneShotAgentWaitsForAPipelineThatResumesSlowly() throws Throwable {
        String[] scope = new String[1];
        try {
            sessions.then(r -> {
                JenkinsDocker.require();
                SystemContainerCloud c = JenkinsDocker.cloud(r.jenkins);
                scope[0] = JenkinsDocker.scope(r.jenkins, c);
                WorkflowJob p = r.createProject(WorkflowJob.class, "slow");
                p.setDefinition(new CpsFlowDefinition("node('docker') {\n"
                        + "  sh 'echo \"STARTED on $NODE_NAME\"; sleep 5'\n"
                        + "  sh 'echo \"RESUMED on $NODE_NAME\"'\n"
                        + "}", true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                r.waitForMessage("STARTED on sca-docker-", b);
                // Other tasks' agents stop waiting after resumeQueueCheckSeconds (60 s; 10 s here): a resumption slower
                // than that must still find its agent.
                System.setProperty(CHECK, "10");
                SlowResume.hold = 25_000;
            });
            sessions.then(r -> {
                long t = System.nanoTime();
                WorkflowRun b = r.jenkins.getItemByFullName("slow", WorkflowJob.class).getBuildByNumber(1);
                r.assertBuildStatusSuccess(r.waitForCompletion(b));
                SlowResume.hold = 0;
                System.out.println("slow resumption: the build ended " + (System.nanoTime() - t) / 1_000_000
                        + " ms after the restart");
                Matcher started = AGENT.matcher(b.getLog());
                assertTrue(started.find(), b.getLog());
                r.assertLogContains("RESUMED on " + started.group(1), b);
                FaultChecks.nothingLeft(r.jenkins, (SystemContainerCloud) r.jenkins.getCloud("ci"));
            });
        } finally {
            System.clearProperty(CHECK);
            SlowResume.hold = 0;
            if (scope[0] != null) {
                JenkinsDocker.purge(scope[0]);
            }
        }
    }
}
