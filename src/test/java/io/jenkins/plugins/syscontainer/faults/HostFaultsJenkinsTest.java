package io.jenkins.plugins.syscontainer.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Queue;
import hudson.model.Result;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.DockerHostEntry;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.HostStatus;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import io.jenkins.plugins.syscontainer.testsupport.DockerSocketProxy;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Docker hosts in trouble, against real Docker and real Sysbox: a host that is down (a TCP port in front of the local
 * engine, closed and opened again) and comes back, a container removed behind the plugin's back, a change of a host's
 * settings while a provision runs. What the user sees is checked, and that nothing is left.
 */
@WithJenkins
class HostFaultsJenkinsTest {
    static {
        // The upkeep that recovers hosts which come back runs every 2 s here (20 s by default).
        System.setProperty("io.jenkins.plugins.syscontainer.provisioning.EngineUpkeep.periodSeconds", "2");
    }

    private DockerSocketProxy proxy;
    private String scope;

    @AfterEach
    void cleanUp() {
        if (proxy != null) {
            proxy.close();
        }
        if (scope != null) {
            JenkinsDocker.purge(scope);
        }
    }

    /** Cloud "far" whose only host is the proxy. */
    private SystemContainerCloud farCloud(JenkinsRule r) throws Exception {
        JenkinsDocker.require();
        proxy = new DockerSocketProxy();
        SystemContainerCloud c = new SystemContainerCloud("far");
        c.setHosts(List.of(new DockerHostEntry("far", proxy.uri())));
        AgentTemplate t = JenkinsDocker.template("docker");
        c.setTemplates(List.of(t));
        r.jenkins.clouds.add(c);
        r.jenkins.save();
        scope = JenkinsDocker.scope(r.jenkins, c);
        return c;
    }

    /**
     * While the only host is down a build waits, and says why in the queue and in its log (the host, since when, the
     * next try, the last error) instead of "doesn't have label"; when the host comes back it is recovered first and
     * the build runs.
     */
    @Test
    void aBuildWaitsWithTheReasonWhileItsHostIsDownAndRunsWhenItComesBack(JenkinsRule r) throws Exception {
        proxyDownBeforeTheEngine(r);
        SystemContainerCloud c = (SystemContainerCloud) r.jenkins.getCloud("far");
        WorkflowJob p = r.createProject(WorkflowJob.class, "waits");
        p.setDefinition(new CpsFlowDefinition("node('docker') { sh 'echo the-body-ran' }", true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        r.waitForMessage("no Docker host of cloud far can take agents now: host far down since", b);
        Queue.Item item = r.jenkins.getQueue().getItems()[0];
        String why = item.getWhy();
        System.out.println("queue says: " + why);
        assertTrue(why.contains("host far down since") && why.contains("next try in") && why.contains("last error"), why);
        proxy.start();
        long t = System.nanoTime();
        r.assertBuildStatusSuccess(r.waitForCompletion(b));
        System.out.println("host back: the build ran " + (System.nanoTime() - t) / 1_000_000 + " ms after it came back");
        r.assertLogContains("the-body-ran", b);
        AgentBackend engine = c.engine();
        assertTrue(engine.hosts().get(0).recovered(), "the host was recovered when it came back");
        FaultChecks.nothingLeft(r.jenkins, c);
    }

    private void proxyDownBeforeTheEngine(JenkinsRule r) throws Exception {
        SystemContainerCloud c = farCloud(r);
        proxy.stop();
        FaultChecks.await(() -> c.engineIfReady() != null, Duration.ofSeconds(60), "the engine's recovery to end");
        HostStatus h = c.engine().hosts().get(0);
        assertTrue(!h.recovered() && !h.available(), "the host is down and not recovered: " + h);
    }

    /** Starts a build whose body succeeds only if its agent's inner Docker has the template's preloaded image. */
    private static WorkflowRun startCheckingThePreload(JenkinsRule r, String name) throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition("node('docker') { sh 'docker image inspect "
                + DockerTestSupport.TINY_IMAGE + " >/dev/null && echo the-preloaded-image-is-there' }", true));
        return p.scheduleBuild2(0).waitForStart();
    }

    /**
     * A host that stops answering while an agent starts on it: the failed start's container cannot be removed then.
     * When the host answers again, the build runs on a new agent with its preloaded images, and that agent's
     * termination removes the container and volume left behind instead of the reaper doing so after its grace period.
     * (The container left behind keeps its volume from being reused here; a killed start's volume is the next test.)
     */
    @Test
    void aFailedStartsContainerIsRemovedWhenTheHostAnswersAgain(JenkinsRule r) throws Exception {
        SystemContainerCloud c = farCloud(r);
        WorkflowRun b = startCheckingThePreload(r, "interrupted-start");
        // the local engine, not the proxy: the first container of this cloud, while its inner Docker starts
        FaultChecks.await(() -> !JenkinsDocker.containers(scope).isEmpty(), Duration.ofSeconds(120),
                "the first agent's container");
        String first = JenkinsDocker.containers(scope).get(0).getId();
        proxy.stop();
        FaultChecks.await(() -> r.jenkins.getQueue().getItems().length > 0
                && String.valueOf(r.jenkins.getQueue().getItems()[0].getWhy()).contains("host far down since"),
                Duration.ofSeconds(120), "the build to wait for the host");
        assertTrue(JenkinsDocker.containers(scope).stream().anyMatch(x -> x.getId().equals(first)),
                "the failed start's container is still there while the host does not answer");
        proxy.start();
        r.assertBuildStatusSuccess(r.waitForCompletion(b));
        r.assertLogContains("the-preloaded-image-is-there", b);
        FaultChecks.nothingLeft(r.jenkins, c); // within a minute: the reaper's grace period is 10
    }

    /**
     * A start whose container is killed before its inner Docker answered (as when dockerd restarts under it): the new
     * volume it had, never preloaded, must not go back to the pool as a warm one, or the next agent takes it and its
     * build misses the preloaded image (the chaos soak found builds failing so).
     */
    @Test
    void aKilledStartsNewVolumeIsNotTakenForAWarmOne(JenkinsRule r) throws Exception {
        SystemContainerCloud c = farCloud(r);
        WorkflowRun b = startCheckingThePreload(r, "killed-start");
        // killed the moment it runs, well before its inner Docker answers (about 1.5 s here)
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String killed = null;
        while (killed == null && System.nanoTime() < deadline) {
            for (var x : JenkinsDocker.containers(scope)) {
                if ("running".equals(x.getState())) {
                    DockerTestSupport.client().killContainerCmd(x.getId()).exec();
                    killed = x.getId();
                }
            }
            Thread.sleep(20);
        }
        assertNotNull(killed, "the first agent's container ran");
        r.assertBuildStatusSuccess(r.waitForCompletion(b));
        r.assertLogContains("the-preloaded-image-is-there", b);
        FaultChecks.nothingLeft(r.jenkins, c);
    }

    /** A container removed behind the plugin's back: its build fails with the reason and the agent goes at once. */
    @Test
    void anAgentWhoseContainerWasRemovedGoesAtOnce(JenkinsRule r) throws Exception {
        SystemContainerCloud c = farCloud(r);
        WorkflowJob p = r.createProject(WorkflowJob.class, "removed");
        p.setDefinition(new CpsFlowDefinition("node('docker') { sh 'echo WAITING; sleep 300' }", true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        r.waitForMessage("WAITING", b);
        SystemContainerAgent a = SystemContainerAgent.all(c.getCloudId()).get(0);
        var found = DockerTestSupport.client().listContainersCmd()
                .withLabelFilter(Map.of(Labels.CONTROLLER, scope, Labels.AGENT, a.getNodeName())).exec();
        long t = System.nanoTime();
        DockerTestSupport.client().removeContainerCmd(found.get(0).getId()).withForce(true).exec();
        r.assertBuildStatus(Result.FAILURE, r.waitForCompletion(b));
        FaultChecks.await(() -> r.jenkins.getNode(a.getNodeName()) == null, Duration.ofSeconds(60), "the agent to go");
        long ms = (System.nanoTime() - t) / 1_000_000;
        System.out.println("container removed: agent gone in " + ms + " ms");
        assertTrue(b.getLog().matches("(?s).*\\[system-container\\] (its|the) container \\S+ on host 'far'"
                + " (no longer exists|was removed by someone else).*"), b.getLog());
        FaultChecks.nothingLeft(r.jenkins, c);
    }

    /**
     * A change of a host's settings builds a new engine, which serves at once although a provision still runs on the
     * old one (before, the cloud provisioned nothing until it ended, up to 15 minutes).
     */
    @Test
    void aChangeOfHostSettingsServesAtOnce(JenkinsRule r) throws Exception {
        SystemContainerCloud c = farCloud(r);
        AgentBackend old = c.engine();
        CloudEngines.Use running = CloudEngines.get().use(old); // a provision under way on the old engine
        try {
            SystemContainerCloud saved = c;
            SystemContainerCloud changed = new SystemContainerCloud("far");
            changed.setCloudId(saved.getCloudId());
            DockerHostEntry h = new DockerHostEntry("far", proxy.uri());
            h.setMaxAgents(7);
            changed.setHosts(List.of(h));
            changed.setTemplates(saved.getTemplates());
            r.jenkins.clouds.replace(saved, changed);
            long t = System.nanoTime();
            WorkflowJob p = r.createProject(WorkflowJob.class, "after-change");
            p.setDefinition(new CpsFlowDefinition("node('docker') { sh 'echo the-body-ran' }", true));
            r.buildAndAssertSuccess(p);
            long ms = (System.nanoTime() - t) / 1_000_000;
            System.out.println("after a host change: a build ran in " + ms + " ms while a provision ran on the old engine");
            AgentBackend now = changed.engineIfReady();
            assertNotNull(now);
            assertNotSame(old, now, "a new engine serves");
            assertEquals(7, now.hosts().get(0).maxAgents());
        } finally {
            running.close();
        }
        FaultChecks.nothingLeft(r.jenkins, (SystemContainerCloud) r.jenkins.getCloud("far"));
    }
}
