package io.jenkins.plugins.syscontainer.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.Result;
import hudson.tasks.Shell;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.agent.SystemContainerComputer;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import io.jenkins.plugins.syscontainer.testsupport.InMemoryBackend;
import io.jenkins.plugins.syscontainer.testsupport.InMemoryCloud;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The Jenkins layer's provisioning decisions, retention, queue guard, suspensions and pipeline step, in a real
 * Jenkins, over the in-memory backend (agents are local processes; no Docker, no Sysbox): what ci.jenkins.io can run.
 * Each test also checks that nothing is left: no node, no live agent, no cache lease.
 */
@WithJenkins
class InMemoryProvisioningJenkinsTest {
    private JenkinsRule r;
    private InMemoryCloud cloud;
    private InMemoryBackend.Places places;
    @TempDir
    Path fs;

    @BeforeEach
    void cloud(JenkinsRule rule) throws Exception {
        r = rule;
        places = new InMemoryBackend.Places("alpha", "beta");
        cloud = new InMemoryCloud("mem", places);
        cloud.setTemplates(List.of(InMemoryCloud.template("small", fs)));
        r.jenkins.clouds.add(cloud);
        r.jenkins.save();
    }

    private AgentTemplate template() {
        return cloud.getTemplates().get(0);
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private void assertNothingLeft() throws InterruptedException {
        await(() -> r.jenkins.getNodes().isEmpty() && places.liveAgents().isEmpty(), Duration.ofSeconds(30),
                "no node and no live agent (nodes " + r.jenkins.getNodes() + ", agents " + places.liveAgents() + ")");
        assertTrue(cloud.backend().caches().stream().flatMap(s -> s.volumes().stream())
                .noneMatch(v -> v.state().equals("leased")), "a cache lease is still held: " + cloud.backend().caches());
    }

    @Test
    void aFreestyleBuildRunsOnAnInMemoryAgentThatGoesAfterwards() throws Exception {
        FreeStyleProject p = r.createFreeStyleProject("freestyle");
        p.setAssignedLabel(Label.get("small"));
        p.getBuildersList().add(new Shell("echo on-$NODE_NAME"));
        FreeStyleBuild b = r.buildAndAssertSuccess(p);
        r.assertLogContains("on-sca-small-", b);
        assertNothingLeft();
        assertEquals(1, places.provisions.get());
        FreeStyleBuild second = r.buildAndAssertSuccess(p);
        SystemContainerAgent.all(cloud.getCloudId()).forEach(a -> { });
        assertNotNull(second);
        assertTrue(cloud.backend().caches().get(0).hits() >= 1, "the second agent reused the warm volume: "
                + cloud.backend().caches());
        assertNothingLeft();
    }

    /** The template's cap holds whatever the queue asks for, and planning counts agents not yet on a place. */
    @Test
    void capsHoldAndPlanningDoesNotOverbook() throws Exception {
        template().setInstanceCap(1);
        places.delay(Duration.ofMillis(1500)); // provisions stay in flight a while
        FreeStyleProject p = r.createFreeStyleProject("capped");
        FreeStyleProject q = r.createFreeStyleProject("capped-2");
        for (FreeStyleProject x : List.of(p, q)) {
            x.setAssignedLabel(Label.get("small"));
            x.getBuildersList().add(new Shell("sleep 1"));
            x.scheduleBuild2(0);
        }
        int most = 0;
        long deadline = System.currentTimeMillis() + 60_000;
        while ((p.getLastCompletedBuild() == null || q.getLastCompletedBuild() == null) && System.currentTimeMillis() < deadline) {
            int live = SystemContainerAgent.all(cloud.getCloudId()).size()
                    + CloudEngines.get().activity(cloud.getCloudId()).inFlight(null);
            most = Math.max(most, live);
            Thread.sleep(50);
        }
        String state = "nodes " + r.jenkins.getNodes() + ", computers " + java.util.Arrays.stream(r.jenkins.getComputers())
                .map(c -> c.getName() + (c.isOffline() ? " offline" : " online") + (c.isIdle() ? " idle" : " busy"))
                .toList() + ", in flight " + CloudEngines.get().activity(cloud.getCloudId()).inFlightAgents()
                + ", queue " + java.util.Arrays.stream(r.jenkins.getQueue().getItems()).map(i -> i.task.getName() + ": "
                + i.getWhy()).toList() + ", failures " + CloudEngines.get().activity(cloud.getCloudId()).failures();
        assertNotNull(p.getLastCompletedBuild(), "the first build ran: " + state);
        assertNotNull(q.getLastCompletedBuild(), "the second build ran: " + state);
        assertEquals(1, most, "never more than one agent of the capped template, in flight or online");
        assertTrue(CloudEngines.get().activity(cloud.getCloudId()).failures().isEmpty(),
                "no 'host full' failures from over-planning: " + CloudEngines.get().activity(cloud.getCloudId()).failures());
        assertNothingLeft();
    }

    /** A failure only the template explains fails Pipeline node blocks (FAILURE, not ABORTED) with the reason. */
    @Test
    void aTemplateFailureFailsPipelineBlocksWithTheReasonNotAborted() throws Exception {
        places.failNext(100, FailureKind.IMAGE_MISSING, "the image sca-test/in-memory:1 is missing everywhere");
        WorkflowJob p = r.createProject(WorkflowJob.class, "broken");
        p.setDefinition(new CpsFlowDefinition("node('small') { echo 'the-body-ran' }", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
        r.assertLogContains("template small of cloud mem is suspended", b);
        r.assertLogContains("IMAGE_MISSING", b);
        r.assertLogNotContains("the-body-ran", b);
        assertEquals(1, cloud.getSuspensions().size(), "suspended");
        assertTrue(cloud.liftSuspension("small"));
        places.failNext(0, null, null);
        r.assertLogContains("the-body-ran", r.buildAndAssertSuccess(p));
        assertNothingLeft();
    }

    /** A transient failure (a registry's rate limit, say) suspends nothing: the build waits and then runs. */
    @Test
    void aTransientFailureSuspendsNothingAndTheBuildRunsAfterIt() throws Exception {
        places.failNext(2, FailureKind.UNKNOWN, "toomanyrequests: rate limit reached");
        WorkflowJob p = r.createProject(WorkflowJob.class, "transient");
        p.setDefinition(new CpsFlowDefinition("node('small') { echo 'the-body-ran' }", true));
        WorkflowRun b = r.buildAndAssertSuccess(p);
        r.assertLogContains("the-body-ran", b);
        assertEquals(List.of(), cloud.getSuspensions(), "a transient failure suspends nothing");
        assertTrue(CloudEngines.get().activity(cloud.getCloudId()).failures().size() >= 2, "the failures are kept");
        assertNothingLeft();
    }

    /**
     * A step whose block ends (here: the build is aborted) while its agent is still being provisioned leaves nothing:
     * the agent is removed as soon as it is ready, never added as a node nobody asks for.
     */
    @Test
    void aStepAbortedWhileItsAgentProvisionsLeavesNothing() throws Exception {
        places.delay(Duration.ofSeconds(4));
        WorkflowJob p = r.createProject(WorkflowJob.class, "aborted");
        p.setDefinition(new CpsFlowDefinition("systemContainerAgent(template: 'small') { echo 'the-body-ran' }", true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        await(() -> CloudEngines.get().activity(cloud.getCloudId()).inFlight(null) > 0, Duration.ofSeconds(30),
                "the agent being provisioned");
        b.doStop();
        r.assertBuildStatus(Result.ABORTED, r.waitForCompletion(b));
        r.assertLogNotContains("the-body-ran", b);
        await(() -> CloudEngines.get().activity(cloud.getCloudId()).inFlight(null) == 0, Duration.ofSeconds(30),
                "the provision to end");
        assertNothingLeft();
        assertEquals(1, places.terminations.get(), "the agent made for the ended block was removed");
    }

    /** An online agent whose build was cancelled while it started is given up once no queued build can use it. */
    @Test
    void anAgentNobodyUsesIsGivenUp() throws Exception {
        System.setProperty("io.jenkins.plugins.syscontainer.agent.OneShotRetention.neverUsedSeconds", "2");
        try {
            places.delay(Duration.ofSeconds(2));
            FreeStyleProject p = r.createFreeStyleProject("cancelled");
            p.setAssignedLabel(Label.get("small"));
            p.getBuildersList().add(new Shell("echo the-build-ran"));
            p.scheduleBuild2(0);
            await(() -> CloudEngines.get().activity(cloud.getCloudId()).inFlight(null) > 0, Duration.ofSeconds(30),
                    "the agent being provisioned");
            r.jenkins.getQueue().cancel(p);
            await(() -> !r.jenkins.getNodes().isEmpty(), Duration.ofSeconds(30), "the agent to be added");
            long t = System.nanoTime();
            // Jenkins checks retention once a minute; check now and again until the grace has passed.
            await(() -> {
                hudson.model.Queue.withLock(() -> {
                    for (hudson.model.Computer c : r.jenkins.getComputers()) {
                        if (c instanceof io.jenkins.plugins.syscontainer.agent.SystemContainerComputer sc) {
                            sc.getRetentionStrategy().check(sc);
                        }
                    }
                });
                return r.jenkins.getNodes().isEmpty();
            }, Duration.ofSeconds(30), "the unused agent to be given up");
            assertNothingLeft();
            System.out.println("an agent nobody used went " + (System.nanoTime() - t) / 1_000_000 + " ms after it was added");
            assertEquals(null, p.getLastBuild(), "the cancelled build never ran");
        } finally {
            System.clearProperty("io.jenkins.plugins.syscontainer.agent.OneShotRetention.neverUsedSeconds");
        }
    }

    /**
     * An agent whose container dies under a step fails the build (FAILURE, the reason in the log), and
     * {@code retry(conditions: [agent()])} runs the block again on a fresh agent.
     */
    @Test
    void aLostAgentFailsTheBuildWithTheReasonAndRetryRunsOnAFreshAgent() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "lost");
        p.setDefinition(new CpsFlowDefinition("def attempt = 0\n"
                + "retry(count: 2, conditions: [agent()]) {\n"
                + "  attempt++\n"
                + "  systemContainerAgent(template: 'small') {\n"
                + "    sh \"echo ATTEMPT-${attempt}-on-$NODE_NAME; if [ ${attempt} = 1 ]; then echo WAITING; sleep 120; fi\"\n"
                + "  }\n"
                + "}", true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        r.waitForMessage("WAITING", b);
        String agent = SystemContainerAgent.all(cloud.getCloudId()).get(0).getNodeName();
        cloud.backend().kill(agent);
        r.assertBuildStatusSuccess(r.waitForCompletion(b));
        r.assertLogContains("was killed with exit code 137, not OOM-killed", b);
        r.assertLogContains("ATTEMPT-2-on-sca-small-", b);
        assertNothingLeft();

        WorkflowJob once = r.createProject(WorkflowJob.class, "lost-once");
        once.setDefinition(new CpsFlowDefinition("node('small') { sh 'echo WAITING; sleep 120' }", true));
        WorkflowRun c = once.scheduleBuild2(0).waitForStart();
        r.waitForMessage("WAITING", c);
        cloud.backend().kill(SystemContainerAgent.all(cloud.getCloudId()).get(0).getNodeName());
        r.assertBuildStatus(Result.FAILURE, r.waitForCompletion(c));
        r.assertLogContains("was lost: the in-memory container", c);
        assertNothingLeft();
    }

    /**
     * A container killed while its agent connects (before the agent is online, so Jenkins never says it went
     * offline) is found through the failed launch: the agent goes at once instead of being reconnected to a dead
     * container until it counts as never connected (15 minutes), and the build runs on a new agent.
     */
    @Test
    void anAgentKilledWhileItConnectsGoesAtOnce() throws Exception {
        KillOnLaunch killer = r.jenkins.getExtensionList(hudson.slaves.ComputerListener.class).get(KillOnLaunch.class);
        killer.backend = cloud.backend();
        FreeStyleProject p = r.createFreeStyleProject("killed-while-connecting");
        p.setAssignedLabel(Label.get("small"));
        p.getBuildersList().add(new Shell("echo ran-on-$NODE_NAME"));
        FreeStyleBuild b = r.buildAndAssertSuccess(p);
        assertNotNull(killer.killed, "an agent was killed while it connected");
        assertTrue(!b.getLog().contains("ran-on-" + killer.killed), "the build did not run on the killed agent");
        await(() -> r.jenkins.getNode(killer.killed) == null, Duration.ofSeconds(30), "the killed agent to go");
        assertNothingLeft();
        assertEquals(2, places.provisions.get(), "one agent killed, one that ran the build");
    }

    /** Kills the first in-memory agent's "container" just before Jenkins launches (connects) it. */
    @org.jvnet.hudson.test.TestExtension("anAgentKilledWhileItConnectsGoesAtOnce")
    public static class KillOnLaunch extends hudson.slaves.ComputerListener {
        volatile InMemoryBackend backend;
        volatile String killed;

        @Override
        public void preLaunch(hudson.model.Computer c, hudson.model.TaskListener listener) {
            if (backend != null && killed == null && c instanceof SystemContainerComputer) {
                killed = c.getName();
                backend.kill(killed);
            }
        }
    }

    /** An agent whose container vanished (removed behind the plugin's back) goes at once, not at a retention timeout. */
    @Test
    void anAgentWhoseContainerVanishedGoesPromptly() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "vanished");
        p.setDefinition(new CpsFlowDefinition("node('small') { sh 'echo WAITING; sleep 120' }", true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        r.waitForMessage("WAITING", b);
        Node n = SystemContainerAgent.all(cloud.getCloudId()).get(0);
        long t = System.nanoTime();
        cloud.backend().vanish(n.getNodeName());
        r.assertBuildStatus(Result.FAILURE, r.waitForCompletion(b));
        r.assertLogContains("no longer exists", b);
        assertNothingLeft();
        long ms = (System.nanoTime() - t) / 1_000_000;
        System.out.println("an agent whose container vanished went in " + ms + " ms");
        assertTrue(ms < TimeUnit.MINUTES.toMillis(1), "took " + ms + " ms");
    }
}
