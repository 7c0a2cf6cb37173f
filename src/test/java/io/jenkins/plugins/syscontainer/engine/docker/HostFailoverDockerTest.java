package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import io.jenkins.plugins.syscontainer.testsupport.HungServer;
import io.jenkins.plugins.syscontainer.testsupport.MutableClock;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A host at a dead endpoint, and one that accepts connections but never answers, fail within their configured
 * timeouts and are marked unhealthy; the healthy host still serves.
 */
class HostFailoverDockerTest {
    @Test
    void deadAndHungHostsAreSkippedAndTheHealthyOneServes() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed again: nothing listens there
        }
        try (HungServer hung = new HungServer()) {
            Duration timeout = Duration.ofSeconds(2);
            // Named so that they sort before "local": with equal free slots the scheduler tries them first.
            DockerHost dead = new DockerHost("a-dead", URI.create("tcp://127.0.0.1:" + deadPort), null, timeout, timeout, 20);
            DockerHost stuck = new DockerHost("b-hung", URI.create("tcp://127.0.0.1:" + hung.port()), null,
                    timeout, timeout, 20);
            // The back-off (5 s) must not expire on the wall clock while the healthy host provisions (2-3 s under real
            // Sysbox on a loaded 2-core machine): the engine runs on a clock that stands still unless the test moves it.
            MutableClock clock = new MutableClock();
            try (EngineFixture fx = new EngineFixture(List.of(dead, stuck,
                    io.jenkins.plugins.syscontainer.engine.docker.DockerHost.local().withMaxAgents(20)), clock)) {
                List<ProvisioningEvent> events = new ArrayList<>();
                long t = System.nanoTime();
                DockerAgent agent = fx.engine.provision(fx.request("failover", EngineFixture.agentSpec().build()),
                        events::add);
                long ms = (System.nanoTime() - t) / 1_000_000;
                System.out.println("failover: " + events);
                assertEquals("local", agent.hostName());
                List<ProvisioningEvent> failed = events.stream().filter(e -> e.step() == ProvisioningEvent.Step.FAILED).toList();
                assertEquals(2, failed.size(), events.toString());
                assertTrue(failed.stream().allMatch(e -> e.detail().contains("HOST_UNAVAILABLE")), failed.toString());
                assertFalse(fx.engine.host("a-dead").health().isAvailable());
                assertFalse(fx.engine.host("b-hung").health().isAvailable());
                assertTrue(ms < 2 * 2_000 + 15_000, "failover took " + ms + " ms");
                fx.engine.terminate(agent, false, ProvisioningEvent.Listener.NONE);

                // The backoff itself (5 s, doubling) and the scheduler skipping hosts in backoff are unit-tested with a
                // fixed clock (HostHealthTest, HostSchedulerTest); here the real failures must have been recorded.
                assertEquals(1, fx.engine.host("a-dead").health().consecutiveFailures());
                assertTrue(fx.engine.host("b-hung").health().lastError().contains("HOST_UNAVAILABLE"));
                clock.advance(Duration.ofSeconds(6));
                assertTrue(fx.engine.host("a-dead").health().isAvailable(), "the 5 s back-off is over on the engine's clock");
            }
        }
    }

    @Test
    void aLoneDeadHostFailsWithinItsTimeoutAsHostUnavailable() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        DockerHost dead = new DockerHost("dead", URI.create("tcp://127.0.0.1:" + deadPort), null,
                Duration.ofSeconds(2), Duration.ofSeconds(2), 5);
        try (DockerBackend engine = new DockerBackend("test-dead", List.of(dead),
                SecurityPolicy.defaultPolicy())) {
            long t = System.nanoTime();
            ProvisioningException e = assertThrows(ProvisioningException.class, () -> engine.provision(
                    new ProvisionRequest(new AgentIdentity("test-dead", "c", "t", "dead-1"),
                            EngineFixture.agentSpec().build(), null, null), ProvisioningEvent.Listener.NONE));
            long ms = (System.nanoTime() - t) / 1_000_000;
            assertEquals(FailureKind.HOST_UNAVAILABLE, e.kind(), e.getMessage());
            assertTrue(ms < 5_000, "took " + ms + " ms with a 2 s timeout");
            assertFalse(engine.host("dead").health().isAvailable());
            ProvisioningException again = assertThrows(ProvisioningException.class, () -> engine.provision(
                    new ProvisionRequest(new AgentIdentity("test-dead", "c", "t", "dead-2"),
                            EngineFixture.agentSpec().build(), null, null), ProvisioningEvent.Listener.NONE));
            assertTrue(again.getMessage().contains("unhealthy"), again.getMessage());
        }
    }
}
