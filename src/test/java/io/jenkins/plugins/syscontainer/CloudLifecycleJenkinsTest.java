package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.Queue;
import hudson.tasks.Shell;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.cleanup.CloudCleanup;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import io.jenkins.plugins.syscontainer.testsupport.HungServer;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.time.Duration;
import java.util.List;
import org.htmlunit.html.HtmlForm;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * What happens to the agents, containers and cache volumes of a cloud when it is renamed, re-saved or deleted, and
 * that terminating an agent never blocks the thread that asks (Jenkins asks under its queue lock).
 */
@WithJenkins
class CloudLifecycleJenkinsTest {
    static {
        System.setProperty(CloudCleanup.class.getName() + ".settleSeconds", "1");
    }

    private static SystemContainerAgent idleAgentAfterOneBuild(JenkinsRule r) throws Exception {
        FreeStyleProject p = r.createFreeStyleProject();
        p.setAssignedLabel(Label.get("docker"));
        p.getBuildersList().add(new Shell("docker info --format '{{.Driver}}'"));
        r.buildAndAssertSuccess(p);
        for (Node n : r.jenkins.getNodes()) {
            if (n instanceof SystemContainerAgent a) {
                return a;
            }
        }
        throw new AssertionError("the agent with idle retention is gone");
    }

    private record Fixture(SystemContainerCloud cloud, String scope) {
    }

    /** Cloud "ci" whose agents stay 30 minutes after their build (so a test can watch one), and its Docker scope. */
    private static Fixture cloudWithIdleAgents(JenkinsRule r) throws Exception {
        JenkinsDocker.require();
        SystemContainerCloud cloud = JenkinsDocker.cloud(r.jenkins);
        cloud.getTemplates().get(0).setIdleMinutes(30);
        return new Fixture(cloud, JenkinsDocker.scope(r.jenkins, cloud));
    }

    /** A renamed cloud keeps its id: its running agent still belongs to it and is terminated through it. */
    @Test
    void aRenamedCloudKeepsItsAgentsAndTheirContainers(JenkinsRule r) throws Exception {
        Fixture fx = cloudWithIdleAgents(r);
        SystemContainerCloud cloud = fx.cloud();
        String scope = fx.scope();
        try {
            SystemContainerAgent agent = idleAgentAfterOneBuild(r);
            HtmlForm form = r.createWebClient().goTo("cloud/ci/configure").getFormByName("config");
            form.getInputByName("_.name").setValue("renamed");
            r.submit(form);
            SystemContainerCloud renamed = (SystemContainerCloud) r.jenkins.getCloud("renamed");
            assertNotNull(renamed);
            assertSame(renamed, SystemContainerCloud.byId(agent.getCloudId()), "the agent lost its cloud with the rename");
            assertEquals("renamed", agent.getCloudName());
            assertEquals(1, JenkinsDocker.containers(scope).size(), "the rename touched the agent's container");
            agent.terminate();
            JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(60));
            assertFalse(JenkinsDocker.volumes(scope).isEmpty(), "the cache volume is kept for the next agent");
        } finally {
            JenkinsDocker.purge(scope);
        }
    }

    /** Deleting a cloud removes its agents, containers and cache volumes, and nothing of another cloud. */
    @Test
    void deletingACloudRemovesWhatItMadeInDocker(JenkinsRule r) throws Exception {
        Fixture fx = cloudWithIdleAgents(r);
        SystemContainerCloud cloud = fx.cloud();
        String scope = fx.scope();
        try {
            idleAgentAfterOneBuild(r);
            assertEquals(1, JenkinsDocker.containers(scope).size());
            assertFalse(JenkinsDocker.volumes(scope).isEmpty(), "no cache volume to clean up");
            r.jenkins.clouds.remove(cloud); // what the cloud page's Delete does
            r.jenkins.save();
            long deadline = System.currentTimeMillis() + 60_000;
            while ((!JenkinsDocker.containers(scope).isEmpty() || !JenkinsDocker.volumes(scope).isEmpty() || !r.jenkins.getNodes().isEmpty())
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(250);
            }
            assertEquals(List.of(), r.jenkins.getNodes(), "the deleted cloud's agent is still there");
            JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(1));
            assertEquals(List.of(), JenkinsDocker.volumes(scope), "the deleted cloud's cache volumes are still there");
            assertFalse(CloudEngines.get().cloudIds().contains(cloud.getCloudId()), "its engine is still open");
        } finally {
            JenkinsDocker.purge(scope);
        }
    }

    /**
     * Jenkins terminates idle agents under its queue lock (idle retention). With the cloud's only host hanging, that
     * call still returns at once: the Docker work happens on a pool thread.
     */
    @Test
    void terminatingAnAgentNeverBlocksTheCaller(JenkinsRule r) throws Exception {
        Fixture fx = cloudWithIdleAgents(r);
        SystemContainerCloud cloud = fx.cloud();
        String scope = fx.scope();
        try (HungServer hung = new HungServer()) {
            SystemContainerAgent agent = idleAgentAfterOneBuild(r);
            DockerHostEntry stuck = new DockerHostEntry("local", "tcp://127.0.0.1:" + hung.port());
            stuck.setResponseTimeoutSeconds(30);
            cloud.setHosts(List.of(stuck)); // the cloud's engine is now rebuilt against a host that never answers
            long t0 = System.nanoTime();
            Queue.withLock(() -> {
                try {
                    agent.terminate();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("terminate() under the queue lock, host hanging: returned in " + ms + " ms");
            assertTrue(ms < 2_000, "terminate() blocked the queue lock for " + ms + " ms");
            assertNull(r.jenkins.getNode(agent.getNodeName()), "the node is removed at once");
        } finally {
            JenkinsDocker.purge(scope);
        }
    }
}
