package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.engine.DockerHost;
import io.jenkins.plugins.syscontainer.engine.SystemContainerEngine;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provisioner never waits for an engine's recovery: against a host that accepts connections and never answers
 * (so recovery takes the whole response timeout), {@code ifReady} answers at once with "not yet", while callers that
 * may wait get the engine when recovery is over. A configuration change builds a new engine the same way.
 */
class CloudEnginesTest {
    @Test
    void recoveryRunsInTheBackgroundAndTheProvisionerIsNotKeptWaiting(@TempDir Path dir) throws Exception {
        try (ServerSocket hung = new ServerSocket(0)) {
            Duration timeout = Duration.ofMillis(1500);
            DockerHost host = new DockerHost("hung", URI.create("tcp://127.0.0.1:" + hung.getLocalPort()), null,
                    timeout, timeout, 5);
            String cloud = "engines-" + UUID.randomUUID();
            CloudEngines.Config config = new CloudEngines.Config("ctrl." + cloud, List.of(host), Set.of("sysbox-runc"),
                    dir.resolve("ledger"));

            long t0 = System.nanoTime();
            assertNull(CloudEngines.ifReady(cloud, config), "recovery cannot be over yet");
            long askedMs = (System.nanoTime() - t0) / 1_000_000;
            SystemContainerEngine engine = CloudEngines.get(cloud, config);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("engines: ifReady answered in %d ms; recovery against a silent host took %d ms%n",
                    askedMs, waitedMs);
            assertTrue(askedMs < 500, "ifReady must not wait for recovery, took " + askedMs + " ms");
            assertTrue(waitedMs >= 1000, "get waits for recovery, which needs the response timeout: " + waitedMs + " ms");
            assertSame(engine, CloudEngines.ifReady(cloud, config), "the same engine while the configuration holds");

            CloudEngines.Config changed = new CloudEngines.Config(config.controllerId(), List.of(host.withMaxAgents(6)),
                    config.runtimes(), config.ledger());
            AgentFactory.Use provisioning = AgentFactory.use(engine); // a provision still running on the old engine
            assertNull(CloudEngines.ifReady(cloud, changed), "a changed configuration builds a new engine in the background");
            Thread.sleep(2500); // longer than the new engine's recovery would take
            assertNull(CloudEngines.ifReady(cloud, changed), "the new engine waits for the old one's provisions to end");
            long t1 = System.nanoTime();
            provisioning.close();
            SystemContainerEngine replaced = CloudEngines.get(cloud, changed);
            System.out.printf("engines: replacement ready %d ms after the last provision on the old engine ended%n",
                    (System.nanoTime() - t1) / 1_000_000);
            assertNotNull(replaced);
            assertNotSame(engine, replaced);
            assertTrue(AgentFactory.idle(engine));
            org.junit.jupiter.api.Assertions.assertThrows(io.jenkins.plugins.syscontainer.engine.ProvisioningException.class,
                    () -> AgentFactory.use(engine), "no new provision may start on a retired engine");
            AgentFactory.use(replaced).close();
        }
    }
}
