package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ReapReport;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reaper removes an orphan, and leaves a live agent, another controller's container and an unlabelled one alone. */
class ReaperDockerTest {
    @Test
    void removesOrphansOnly() throws Exception {
        DockerTestSupport.requireImage(DockerTestSupport.TINY_IMAGE);
        try (EngineFixture fx = new EngineFixture()) {
            DockerAgent live = fx.engine.provision(fx.request("live", EngineFixture.agentSpec().build()),
                    ProvisioningEvent.Listener.NONE);
            String orphan = plain(fx, Labels.forAgent(fx.identity("orphan"), null, Instant.now().minusSeconds(3600)));
            String young = plain(fx, Labels.forAgent(fx.identity("young"), null, Instant.now()));
            Map<String, String> foreignLabels = new HashMap<>(Labels.forAgent(
                    new AgentIdentity("another-controller", "c", "t", "foreign-1"), null, Instant.now().minusSeconds(3600)));
            String foreign = plain(fx, foreignLabels);
            String unlabelled = plain(fx, Map.of());
            try {
                List<ReapReport> reports = fx.engine.reap(Set.of(live.agentName()), Duration.ofMinutes(10));
                System.out.println("reaper: " + reports.get(0).toJson());
                assertEquals(1, reports.get(0).removed().size(), reports.toString());
                assertTrue(reports.get(0).removed().get(0).startsWith("orphan-"), reports.toString());
                assertThrows(NotFoundException.class, () -> fx.docker.inspectContainerCmd(orphan).exec());
                for (String kept : List.of(live.containerId(), young, foreign, unlabelled)) {
                    fx.docker.inspectContainerCmd(kept).exec(); // still there
                }
                assertTrue(reports.get(0).errors().isEmpty());
            } finally {
                fx.engine.terminate(live, false, ProvisioningEvent.Listener.NONE);
                for (String id : List.of(foreign, unlabelled)) {
                    fx.docker.removeContainerCmd(id).withForce(true).exec();
                }
            }
        }
    }

    @Test
    void reportsLiveAgentsWhoseContainerExited() throws Exception {
        DockerTestSupport.requireImage(DockerTestSupport.TINY_IMAGE);
        try (EngineFixture fx = new EngineFixture()) {
            AgentIdentity id = fx.identity("exited");
            String c = fx.docker.createContainerCmd(DockerTestSupport.TINY_IMAGE).withCmd("true")
                    .withLabels(Labels.forAgent(id, null, Instant.now())).exec().getId();
            fx.docker.startContainerCmd(c).exec();
            fx.docker.waitContainerCmd(c).start().awaitStatusCode();
            List<ReapReport> reports = fx.engine.reap(Set.of(id.agentName()), Duration.ZERO);
            assertEquals(List.of(), reports.get(0).removed());
            assertEquals(1, reports.get(0).exited().size(), reports.toString());
            assertTrue(reports.get(0).exited().get(0).startsWith(id.agentName()));
        }
    }

    @Test
    void anOrphanedAgentsCacheLeaseIsEndedAndItsVolumeQuarantined() throws Exception {
        try (EngineFixture fx = new EngineFixture()) {
            DockerAgent lost = fx.engine.provision(new ProvisionRequest(fx.identity("lost"),
                    EngineFixture.agentSpec().build(), "orphans", null), ProvisioningEvent.Listener.NONE);
            assertEquals("leased", fx.engine.caches().get(0).volumes().get(0).state());
            // Jenkins no longer knows the agent (its terminate failed, or the node was deleted by hand).
            List<ReapReport> reports = fx.engine.reap(Set.of(), Duration.ZERO);
            assertEquals(List.of(lost.agentName()), reports.get(0).removed());
            assertEquals(List.of(), fx.engine.caches().get(0).volumes(), "the lease ended, the volume quarantined");
            assertThrows(NotFoundException.class, () -> fx.docker.inspectVolumeCmd(lost.cacheVolume()).exec());
            assertEquals(0, fx.engine.managedHosts().get(0).activeAgents());
            // The agent's own terminate comes late: its stale lease must not bring the quarantined volume back.
            fx.engine.terminate(lost, false, ProvisioningEvent.Listener.NONE);
            assertEquals(List.of(), fx.engine.caches().get(0).volumes(), "a stale lease released nothing");
        }
    }

    @Test
    void leftoverThrowAwayVolumesAreRemoved() throws Exception {
        try (EngineFixture fx = new EngineFixture()) {
            DockerAgent a = fx.engine.provision(fx.request("tmpvol", EngineFixture.agentSpec().build()),
                    ProvisioningEvent.Listener.NONE);
            String volume = a.cacheVolume();
            assertTrue(volume.startsWith("sca-tmp-"));
            fx.docker.removeContainerCmd(a.containerId()).withForce(true).exec(); // the controller died with it
            List<ReapReport> reports = fx.engine.reap(Set.of(), Duration.ZERO);
            assertEquals(List.of(volume), reports.get(0).removedVolumes(), reports.toString());
            assertThrows(NotFoundException.class, () -> fx.docker.inspectVolumeCmd(volume).exec());
        }
    }

    /** A plain runc container of the tiny image: the reaper looks only at labels, not at what runs. */
    private static String plain(EngineFixture fx, Map<String, String> labels) {
        String id = fx.docker.createContainerCmd(DockerTestSupport.TINY_IMAGE).withCmd("sleep", "600")
                .withLabels(labels).withHostConfig(HostConfig.newHostConfig()).exec().getId();
        fx.docker.startContainerCmd(id).exec();
        return id;
    }
}
