package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Ten agents provisioned at once on one host all become ready; prints the wall time next to a single one. */
class ConcurrentProvisionDockerTest {
    @Test
    void tenAgentsAtOnceAllBecomeReady() throws Exception {
        try (EngineFixture fx = new EngineFixture()) {
            long t = System.nanoTime();
            DockerAgent single = fx.engine.provision(fx.request("single", EngineFixture.agentSpec().build()),
                    ProvisioningEvent.Listener.NONE);
            long singleMs = (System.nanoTime() - t) / 1_000_000;
            fx.engine.terminate(single, false, ProvisioningEvent.Listener.NONE);

            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<Future<DockerAgent>> futures = new ArrayList<>();
            t = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                futures.add(pool.submit(() -> fx.engine.provision(fx.request("ten", EngineFixture.agentSpec().build()),
                        ProvisioningEvent.Listener.NONE)));
            }
            List<DockerAgent> agents = new ArrayList<>();
            for (Future<DockerAgent> f : futures) {
                agents.add(f.get(180, TimeUnit.SECONDS));
            }
            long tenMs = (System.nanoTime() - t) / 1_000_000;
            System.out.printf("concurrency: 1 agent ready in %d ms; 10 agents at once all ready in %d ms wall (%.2fx)%n",
                    singleMs, tenMs, tenMs / (double) singleMs);
            assertEquals(10, agents.stream().map(DockerAgent::containerId).distinct().count());
            assertEquals(10, fx.containers().stream().filter(c -> "running".equals(c.getState())).count());
            for (DockerAgent a : agents) {
                pool.submit(() -> fx.engine.terminate(a, false, ProvisioningEvent.Listener.NONE));
            }
            pool.shutdown();
            pool.awaitTermination(120, TimeUnit.SECONDS);
            assertEquals(List.of(), fx.containers());
            assertEquals(0, fx.engine.managedHosts().get(0).activeAgents());
        }
    }
}
