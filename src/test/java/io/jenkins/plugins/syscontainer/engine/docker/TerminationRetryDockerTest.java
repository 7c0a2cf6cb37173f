package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.HostConfig;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeLease;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Terminations that fail keep the lease and slot and can be retried; long silent calls outlive the API timeout. */
class TerminationRetryDockerTest {
    /** A lease that records its releases (our own interface; no Docker client is faked). */
    static final class RecordingLease implements VolumeLease {
        final List<Boolean> releases = new ArrayList<>();

        @Override
        public String volumeName() {
            return "v";
        }

        @Override
        public String hostName() {
            return "dead";
        }

        @Override
        public boolean fresh() {
            return false;
        }

        @Override
        public void release(boolean healthy) {
            releases.add(healthy);
        }
    }

    @Test
    void aTerminationThatCannotReachTheHostKeepsLeaseAndSlotAndCanBeRetried() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ManagedHost dead = new ManagedHost(new DockerHost("dead", URI.create("tcp://127.0.0.1:" + port), null,
                Duration.ofSeconds(1), Duration.ofSeconds(1), 2), Clock.systemUTC());
        try (DockerBackend engine = new DockerBackend("test-retry", List.of(), SecurityPolicy.defaultPolicy())) {
            RecordingLease lease = new RecordingLease();
            AgentIdentity id = new AgentIdentity("test-retry", "c", "t", "retry-1");
            dead.tryReserve(id.agentName());
            DockerAgent agent = new DockerAgent(id, dead, "0123456789ab", lease, Instant.now(), List.of());
            assertThrows(RuntimeException.class, () -> engine.terminate(agent, false, ProvisioningEvent.Listener.NONE));
            assertFalse(agent.isTerminated());
            assertNull(agent.termination(), "a failed attempt does not block the next one");
            assertEquals(List.of(), lease.releases, "the container may still use the volume: the lease is kept");
            assertEquals(1, dead.activeAgents(), "and so is the host slot");
            assertThrows(RuntimeException.class, () -> engine.terminate(agent, false, ProvisioningEvent.Listener.NONE),
                    "the second call tries again (and fails again, the host is still down)");
        } finally {
            dead.close();
        }
    }

    @Test
    void longSilentCallsOutliveAShortApiResponseTimeout() throws Exception {
        DockerTestSupport.requireImage(DockerTestSupport.TINY_IMAGE);
        try (EngineFixture fx = new EngineFixture()) {
            ManagedHost impatient = new ManagedHost(DockerHost.local().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1)),
                    Clock.systemUTC());
            List<String> ids = new ArrayList<>();
            try {
                // httpclient5's response timeout bounds the wait for the response head only; Docker sends the head of an
                // attached exec and of a container wait at once, so 3 s of silence after it is not cut (measured here).
                // The engine still runs its long waits on the streaming client, bounded by its own deadlines.
                String sleeper = start(fx, ids, "sleep", "60");
                List<String> silent = List.of("sh", "-c", "sleep 3; echo done");
                assertEquals("done", new ContainerExec(impatient.api()).run(sleeper, silent, Duration.ofSeconds(30)).stdout().strip());
                assertEquals("done", ContainerExec.longRunning(impatient).run(sleeper, silent, Duration.ofSeconds(30)).stdout().strip());

                String shortLived = start(fx, ids, "sleep", "3");
                assertEquals(0, impatient.api().waitContainerCmd(shortLived).start()
                        .awaitStatusCode(30, java.util.concurrent.TimeUnit.SECONDS));
                String another = start(fx, ids, "sleep", "3");
                assertEquals(0, impatient.streaming().waitContainerCmd(another).start()
                        .awaitStatusCode(30, java.util.concurrent.TimeUnit.SECONDS));
            } finally {
                for (String id : ids) {
                    fx.docker.removeContainerCmd(id).withForce(true).exec();
                }
                impatient.close();
            }
        }
    }

    private static String start(EngineFixture fx, List<String> ids, String... cmd) {
        String id = fx.docker.createContainerCmd(DockerTestSupport.TINY_IMAGE).withCmd(cmd)
                .withLabels(Map.of(Labels.CONTROLLER, fx.controllerId)).withHostConfig(HostConfig.newHostConfig()).exec().getId();
        ids.add(id);
        fx.docker.startContainerCmd(id).exec();
        return id;
    }
}
