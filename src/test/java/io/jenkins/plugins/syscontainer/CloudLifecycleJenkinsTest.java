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
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    private static List<String> volumes(String scope) {
        var v = DockerTestSupport.client().listVolumesCmd().withFilter("label", List.of(Labels.CONTROLLER + "=" + scope))
                .exec().getVolumes();
        return v == null ? List.of() : v.stream().map(x -> x.getName()).toList();
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

    /** A renamed cloud keeps its id: its running agent still belongs to it and is terminated through it. */
    @Test
    void aRenamedCloudKeepsItsAgentsAndTheirContainers(JenkinsRule r) throws Exception {
        JenkinsDocker.require();
        SystemContainerCloud cloud = JenkinsDocker.cloud(r.jenkins);
        cloud.getTemplates().get(0).setIdleMinutes(30);
        String scope = JenkinsDocker.scope(r.jenkins, cloud);
        try {
            SystemContainerAgent agent = idleAgentAfterOneBuild(r);
            HtmlForm form = r.createWebClient().goTo("cloud/ci/configure").getFormByName("config");
            form.getInputByName("_.name").setValue("renamed");
            r.submit(form);
            SystemContainerCloud renamed = (SystemContainerCloud) r.jenkins.getCloud("renamed");
            assertNotNull(renamed);
            assertSame(renamed, agent.cloud(), "the agent lost its cloud with the rename");
            assertEquals("renamed", agent.getCloudName());
            assertEquals(1, JenkinsDocker.containers(scope).size(), "the rename touched the agent's container");
            agent.terminate();
            JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(60));
            assertFalse(volumes(scope).isEmpty(), "the cache volume is kept for the next agent");
        } finally {
            JenkinsDocker.purge(scope);
        }
    }

    /** Deleting a cloud removes its agents, containers and cache volumes, and nothing of another cloud. */
    @Test
    void deletingACloudRemovesWhatItMadeInDocker(JenkinsRule r) throws Exception {
        JenkinsDocker.require();
        SystemContainerCloud cloud = JenkinsDocker.cloud(r.jenkins);
        cloud.getTemplates().get(0).setIdleMinutes(30);
        String scope = JenkinsDocker.scope(r.jenkins, cloud);
        try {
            idleAgentAfterOneBuild(r);
            assertEquals(1, JenkinsDocker.containers(scope).size());
            assertFalse(volumes(scope).isEmpty(), "no cache volume to clean up");
            r.jenkins.clouds.remove(cloud); // what the cloud page's Delete does
            r.jenkins.save();
            long deadline = System.currentTimeMillis() + 60_000;
            while ((!JenkinsDocker.containers(scope).isEmpty() || !volumes(scope).isEmpty() || !r.jenkins.getNodes().isEmpty())
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(250);
            }
            assertEquals(List.of(), r.jenkins.getNodes(), "the deleted cloud's agent is still there");
            JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(1));
            assertEquals(List.of(), volumes(scope), "the deleted cloud's cache volumes are still there");
            assertFalse(CloudEngines.cloudIds().contains(cloud.getCloudId()), "its engine is still open");
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
        JenkinsDocker.require();
        SystemContainerCloud cloud = JenkinsDocker.cloud(r.jenkins);
        cloud.getTemplates().get(0).setIdleMinutes(30);
        String scope = JenkinsDocker.scope(r.jenkins, cloud);
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket hung = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(hung.accept()); // accept, then never answer
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            SystemContainerAgent agent = idleAgentAfterOneBuild(r);
            DockerHostEntry stuck = new DockerHostEntry("local", "tcp://127.0.0.1:" + hung.getLocalPort());
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
            for (Socket s : held) {
                s.close();
            }
            JenkinsDocker.purge(scope);
        }
    }
}
