package io.jenkins.plugins.syscontainer.provisioning;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Label;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.cache.CacheLedger;
import io.jenkins.plugins.syscontainer.engine.docker.DockerBackend;
import io.jenkins.plugins.syscontainer.engine.docker.DockerHost;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provisioner never waits for an engine's recovery: against a host that accepts connections and never answers
 * (so recovery takes the whole response timeout), {@code ifReady} answers at once with "not yet", while callers that
 * may wait get the engine when recovery is over. A configuration change builds a new engine the same way, which
 * serves as soon as it has recovered, without waiting for provisions still running on the old one; the old one takes
 * no new provision and is closed once they end.
 */
class CloudEnginesTest {
    /** A cloud of one host, as the provisioning room sees it. */
    private record Cloud(String cloudId, DockerHost host, Path ledger) implements ProvisioningCloud {
        @Override
        public String displayName() {
            return cloudId;
        }

        @Override
        public BackendRecipe backendRecipe() {
            return new BackendRecipe(host.name() + "/" + host.maxAgents(), previous -> new DockerBackend("ctrl." + cloudId,
                    List.of(host), new SecurityPolicy(Set.of("sysbox-runc")), new CacheLedger(ledger), Clock.systemUTC(),
                    null, previous instanceof DockerBackend d ? d.cachePool() : null));
        }

        @Override
        public boolean serves(Label label) {
            return true;
        }

        @Override
        public String blockedReason(Label label) {
            return null;
        }

        @Override
        public String waitingReason(Label label) {
            return null;
        }
    }

    @Test
    void recoveryRunsInTheBackgroundAndAReplacedEngineDoesNotHoldUpTheNewOne(@TempDir Path dir) throws Exception {
        try (ServerSocket hung = new ServerSocket(0)) {
            Duration timeout = Duration.ofMillis(1500);
            DockerHost host = new DockerHost("hung", URI.create("tcp://127.0.0.1:" + hung.getLocalPort()), null,
                    timeout, timeout, 5);
            String id = "engines-" + UUID.randomUUID();
            CloudEngines engines = new CloudEngines();
            Cloud cloud = new Cloud(id, host, dir.resolve("ledger"));

            hudson.model.Computer.threadPoolForRemoting.submit(() -> { }).get(); // loading Jenkins' pool is not the point
            long t0 = System.nanoTime();
            assertNull(engines.ifReady(cloud), "recovery cannot be over yet");
            long askedMs = (System.nanoTime() - t0) / 1_000_000;
            AgentBackend engine = engines.get(cloud);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("engines: ifReady answered in %d ms; recovery against a silent host took %d ms%n",
                    askedMs, waitedMs);
            assertTrue(askedMs < 500, "ifReady must not wait for recovery, took " + askedMs + " ms");
            assertTrue(waitedMs >= 1000, "get waits for recovery, which needs the response timeout: " + waitedMs + " ms");
            assertSame(engine, engines.ifReady(cloud), "the same engine while the configuration holds");

            Cloud changed = new Cloud(id, host.withMaxAgents(6), cloud.ledger());
            CloudEngines.Use provisioning = engines.use(engine); // a provision still running on the old engine
            long t1 = System.nanoTime();
            assertNull(engines.ifReady(changed), "a changed configuration builds a new engine in the background");
            AgentBackend replaced = engines.get(changed);
            long readyMs = (System.nanoTime() - t1) / 1_000_000;
            System.out.printf("engines: replacement ready in %d ms while a provision still ran on the old engine%n", readyMs);
            assertNotNull(replaced);
            assertNotSame(engine, replaced);
            assertTrue(readyMs < 10_000, "the new engine waited for the old one: " + readyMs + " ms");
            assertSame(((DockerBackend) engine).cachePool(), ((DockerBackend) replaced).cachePool(),
                    "the new engine takes over the old one's cache leases");
            assertThrows(ProvisioningException.class, () -> engines.use(engine),
                    "no new provision may start on a retired engine");
            provisioning.close();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!engines.idle(engine) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(engines.idle(engine), "the old engine's provision ended");
            engines.use(replaced).close();
        }
    }
}
