package io.jenkins.plugins.syscontainer.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.tasks.Shell;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.testsupport.InMemoryBackend;
import io.jenkins.plugins.syscontainer.testsupport.InMemoryCloud;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The standby pool's rules in a real Jenkins over the in-memory backend (no Docker needed): a build takes a ready
 * agent and the pool refills; caps hold; one build per agent; a save with other settings replaces the pool; agents
 * older than the maximum age are replaced; a pipeline block asking for the template's settings takes one, a narrowed
 * block does not; idle standby agents give way to waiting builds; nothing is left when the pool is switched off.
 */
@WithJenkins
class StandbyPoolJenkinsTest {
    private JenkinsRule r;
    private InMemoryCloud cloud;
    private InMemoryBackend.Places places;
    @TempDir
    Path fs;

    @BeforeEach
    void cloud(JenkinsRule rule) throws Exception {
        r = rule;
        r.jenkins.setQuietPeriod(0);
        places = new InMemoryBackend.Places("alpha", "beta");
        cloud = new InMemoryCloud("pool", places);
        AgentTemplate t = InMemoryCloud.template("warm", fs);
        t.setStandbyAgents(2);
        cloud.setTemplates(new ArrayList<>(List.of(t)));
        r.jenkins.clouds.add(cloud);
        r.jenkins.save();
    }

    @AfterEach
    void noPoolNothingLeft() throws Exception {
        StandbyPool.get().clock(Clock.systemUTC());
        for (AgentTemplate t : cloud.getTemplates()) {
            t.setStandbyAgents(0);
        }
        StandbyPool.get().topUp();
        await(() -> r.jenkins.getNodes().isEmpty() && places.liveAgents().isEmpty(), Duration.ofSeconds(60),
                () -> "no node and no live agent once the pool is off: nodes " + r.jenkins.getNodes() + ", agents "
                        + places.liveAgents());
    }

    private AgentTemplate template() {
        return cloud.getTemplates().get(0);
    }

    static void await(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            Thread.sleep(50);
        }
    }

    /** The pool's agents that are online, idle and free for any build. */
    private Set<String> ready() {
        Set<String> out = new HashSet<>();
        for (SystemContainerAgent a : SystemContainerAgent.all(cloud.getCloudId())) {
            if (a.isInStandbyPool() && a.toComputer() != null && a.toComputer().isOnline() && a.toComputer().isIdle()) {
                out.add(a.getNodeName());
            }
        }
        return out;
    }

    private void awaitReady(int n) throws InterruptedException {
        StandbyPool.get().topUpSoon();
        await(() -> ready().size() == n, Duration.ofSeconds(60), () -> n + " ready standby agents, have " + ready()
                + "; nodes " + r.jenkins.getNodes() + ", failures " + CloudEngines.get().activity(cloud.getCloudId()).failures());
    }

    /** Agents of the cloud, as nodes or being started (by name: one that is both at an instant counts once). */
    private int live() {
        Set<String> names = new HashSet<>(CloudEngines.get().activity(cloud.getCloudId()).inFlightAgents());
        SystemContainerAgent.all(cloud.getCloudId()).forEach(a -> names.add(a.getNodeName()));
        return names.size();
    }

    private FreeStyleProject job(String name, String label) throws Exception {
        FreeStyleProject p = r.createFreeStyleProject(name);
        p.setAssignedLabel(Label.get(label));
        p.getBuildersList().add(new Shell("echo on-$NODE_NAME"));
        return p;
    }

    @Test
    void aBuildTakesAReadyAgentAndThePoolRefills() throws Exception {
        awaitReady(2);
        Set<String> before = ready();
        int provisionsBefore = places.provisions.get();
        FreeStyleBuild b = r.buildAndAssertSuccess(job("takes", "warm"));
        String node = b.getBuiltOnStr();
        assertTrue(before.contains(node), "the build ran on a standby agent (" + node + " in " + before + ")");
        long waited = b.getStartTimeInMillis() - b.getTimeInMillis();
        System.out.println("standby take: queued to started " + waited + " ms");
        await(() -> r.jenkins.getNode(node) == null, Duration.ofSeconds(30), () -> "the used agent " + node + " removed");
        awaitReady(2);
        assertFalse(ready().contains(node));
        assertEquals(provisionsBefore + 1, places.provisions.get(), "exactly one agent started to refill the pool");
        CloudActivity.Takes takes = CloudEngines.get().activity(cloud.getCloudId()).takes().get("warm");
        assertEquals(new CloudActivity.Takes(1, 1), takes, "the take is counted as one from the pool");
        String page = r.createWebClient().goTo(cloud.getUrl() + "system-containers").asNormalizedText();
        assertTrue(page.contains("Standby agents"), page);
        assertTrue(page.contains("a warm volume pays back in the build"), "the page explains warm vs cold starts: " + page);
        assertTrue(page.matches("(?s).*\\bwarm\\s+2\\s+2\\s+0\\s.*1 of 1 \\(100 %\\).*"),
                "the status page shows the pool (target 2, ready 2, starting 0) and the share of builds that took one: " + page);
    }

    /**
     * A standby agent does a build's first steps once while it waits (its environment, a folder, a script, a shell),
     * so that its build loads none of their classes, and keeps nothing of it.
     */
    @Test
    void aStandbyAgentIsWarmedUpForItsBuildAndKeepsNothingOfIt() throws Exception {
        awaitReady(2);
        for (SystemContainerAgent a : SystemContainerAgent.all(cloud.getCloudId())) {
            io.jenkins.plugins.syscontainer.agent.SystemContainerComputer c =
                    (io.jenkins.plugins.syscontainer.agent.SystemContainerComputer) a.toComputer();
            await(c::isWarmedUp, Duration.ofSeconds(30), () -> a.getNodeName() + " warmed up");
            assertTrue(c.getLog().contains("standby agent warmed up for its build in"),
                    "the warm-up ran to its end: " + c.getLog());
            List<String> left = a.getRootPath().list().stream().map(hudson.FilePath::getName)
                    .filter(n -> n.startsWith("sca-warm-up")).toList();
            assertEquals(List.of(), left, "nothing of the warm-up is left in the agent's root");
        }
        r.buildAndAssertSuccess(job("after-warm-up", "warm"));
    }

    @Test
    void capsHoldAndEveryAgentTakesOneBuild() throws Exception {
        template().setInstanceCap(2);
        awaitReady(2);
        List<Future<FreeStyleBuild>> builds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            builds.add(job("capped-" + i, "warm").scheduleBuild2(0));
        }
        int most = 0;
        long deadline = System.currentTimeMillis() + 90_000;
        while (builds.stream().anyMatch(f -> !f.isDone()) && System.currentTimeMillis() < deadline) {
            most = Math.max(most, live());
            Thread.sleep(20);
        }
        Set<String> nodes = new HashSet<>();
        for (Future<FreeStyleBuild> f : builds) {
            FreeStyleBuild b = f.get();
            r.assertBuildStatusSuccess(b);
            assertTrue(nodes.add(b.getBuiltOnStr()), "one build per agent: " + b.getBuiltOnStr() + " ran two builds");
        }
        assertTrue(most <= 2, "never more than the cap of 2 agents, standby ones included; saw " + most);
        assertTrue(CloudEngines.get().activity(cloud.getCloudId()).failures().isEmpty(),
                "no failures: " + CloudEngines.get().activity(cloud.getCloudId()).failures());
        awaitReady(2);
    }

    @Test
    void aSaveWithOtherSettingsReplacesThePoolAndOldAgentsAreReplaced() throws Exception {
        awaitReady(2);
        Set<String> first = ready();
        template().setEnv("POOL_GENERATION=2");
        r.jenkins.save(); // as a configuration save does: the pool looks again
        await(() -> ready().size() == 2 && ready().stream().noneMatch(first::contains), Duration.ofSeconds(60),
                () -> "two new standby agents instead of " + first + ", have " + ready());
        for (String n : ready()) {
            assertEquals(template().agentSettings(), ((SystemContainerAgent) r.jenkins.getNode(n)).getSettings());
        }
        Set<String> second = ready();
        template().setStandbyMaxAgeMinutes(30);
        StandbyPool.get().clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(31)));
        StandbyPool.get().topUp(); // one pass 31 minutes later: the agents are too old and go
        // Back to now, or their successors would be too old as soon as they start.
        StandbyPool.get().clock(Clock.systemUTC());
        await(() -> ready().size() == 2 && ready().stream().noneMatch(second::contains), Duration.ofSeconds(60),
                () -> "agents older than 30 minutes replaced: had " + second + ", have " + ready());
    }

    @Test
    void aPipelineBlockWithTheTemplatesSettingsTakesOneANarrowedBlockDoesNot() throws Exception {
        awaitReady(2);
        Set<String> pool = ready();
        WorkflowJob p = r.createProject(WorkflowJob.class, "pipeline");
        p.setDefinition(new CpsFlowDefinition("systemContainerAgent(template: 'warm') { echo \"on-${env.NODE_NAME}\" }", true));
        WorkflowRun b = r.buildAndAssertSuccess(p);
        r.assertLogContains("takes it", b);
        String node = pool.stream().filter(n -> {
            try {
                return b.getLog().contains("on-" + n);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }).findFirst().orElse(null);
        assertNotNull(node, "the block ran on one of the standby agents " + pool + ":\n" + b.getLog());

        awaitReady(2);
        int provisionsBefore = places.provisions.get();
        WorkflowJob q = r.createProject(WorkflowJob.class, "narrowed");
        q.setDefinition(new CpsFlowDefinition("systemContainerAgent(template: 'warm', memoryMb: 300) { echo \"on-${env.NODE_NAME}\" }", true));
        Set<String> poolNow = ready();
        WorkflowRun c = r.buildAndAssertSuccess(q);
        r.assertLogNotContains("takes it", c);
        for (String n : poolNow) {
            r.assertLogNotContains("on-" + n, c);
        }
        assertTrue(places.provisions.get() >= provisionsBefore + 1, "the narrowed block got an agent of its own");
        assertTrue(ready().containsAll(poolNow), "the pool kept its agents: " + poolNow + ", ready now " + ready());
    }

    @Test
    void idleStandbyAgentsGiveWayToABuildThatNeedsTheirSlot() throws Exception {
        cloud.setMaxAgents(2);
        AgentTemplate other = InMemoryCloud.template("other", fs);
        cloud.setTemplates(new ArrayList<>(List.of(template(), other)));
        r.jenkins.save();
        awaitReady(2);
        FreeStyleBuild b = r.buildAndAssertSuccess(job("needs-room", "other"));
        assertTrue(b.getBuiltOnStr().startsWith("sca-other-"), "ran on an agent of its own template: " + b.getBuiltOnStr());
        assertTrue(SystemContainerAgent.all(cloud.getCloudId()).size() <= 2, "the cloud's cap held");
    }
}
