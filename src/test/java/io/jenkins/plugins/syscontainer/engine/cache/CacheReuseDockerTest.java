package io.jenkins.plugins.syscontainer.engine.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.docker.ContainerExec;
import io.jenkins.plugins.syscontainer.engine.docker.DockerAgent;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A second agent with the same cache key starts on the first one's volume and finds its images; preloading warms a
 * new volume; a golden volume seeds new volumes. Prints the warm/cold and golden/preload timings.
 */
class CacheReuseDockerTest {
    private static final Duration T = Duration.ofSeconds(60);

    private static ProvisionRequest req(EngineFixture fx, String key, CacheSettings cache) {
        return new ProvisionRequest(fx.identity("cache"), EngineFixture.agentSpec().build(), key, cache, T);
    }

    private static boolean hasTinyImage(EngineFixture fx, DockerAgent a) throws InterruptedException {
        return new ContainerExec(fx.docker).run(a.containerId(),
                List.of("docker", "image", "inspect", DockerTestSupport.TINY_IMAGE), T).ok();
    }

    /** Milliseconds to the first inner `docker run` of the tiny image, which must already be there. */
    private static long firstInnerRun(EngineFixture fx, DockerAgent a) throws InterruptedException {
        long t = System.nanoTime();
        ExecResult r = new ContainerExec(fx.docker).run(a.containerId(),
                List.of("docker", "run", "--rm", "--pull=never", DockerTestSupport.TINY_IMAGE, "true"), T);
        assertTrue(r.ok(), r.toString());
        return (System.nanoTime() - t) / 1_000_000;
    }

    @Test
    void secondAgentFindsTheFirstOnesImageWithoutLoadingIt() throws Exception {
        DockerTestSupport.requireImage(DockerTestSupport.TINY_IMAGE);
        try (EngineFixture fx = new EngineFixture()) {
            DockerAgent first = fx.engine.provision(req(fx, "reuse", CacheSettings.DEFAULTS), ProvisioningEvent.Listener.NONE);
            assertFalse(hasTinyImage(fx, first));
            EngineFixture.loadTinyImage(fx.docker, first.containerId());
            String volume = first.cacheVolume();
            fx.engine.terminate(first, false, ProvisioningEvent.Listener.NONE);

            List<ProvisioningEvent> events = new ArrayList<>();
            DockerAgent second = fx.engine.provision(req(fx, "reuse", CacheSettings.DEFAULTS), events::add);
            assertEquals(volume, second.cacheVolume(), "the warm volume is reused");
            assertTrue(events.stream().anyMatch(e -> e.step() == ProvisioningEvent.Step.VOLUME_LEASED
                    && e.detail().endsWith("(reused)")), events.toString());
            assertTrue(hasTinyImage(fx, second), "the image the first agent loaded is there");
            CacheStats stats = fx.engine.caches().stream().filter(s -> s.cacheKey().equals("reuse")).findFirst().orElseThrow();
            assertEquals(1, stats.hits());
            assertEquals(1, stats.misses());
            assertEquals("leased", stats.volumes().get(0).state());
            assertEquals(second.agentName(), stats.volumes().get(0).leasedBy());
            fx.engine.terminate(second, false, ProvisioningEvent.Listener.NONE);
            assertEquals("idle", fx.engine.caches().get(0).volumes().get(0).state());
        }
    }

    @Test
    void preloadWarmsNewVolumesAndGoldenCloneSeedsThem() throws Exception {
        DockerTestSupport.requireImage(DockerTestSupport.TINY_IMAGE);
        try (EngineFixture fx = new EngineFixture()) {
            CacheSettings preload = CacheSettings.DEFAULTS.withPreload(List.of(DockerTestSupport.TINY_IMAGE));
            List<ProvisioningEvent> cold = new ArrayList<>();
            DockerAgent a = fx.engine.provision(req(fx, "preload", preload), cold::add);
            ProvisioningEvent warmed = cold.stream().filter(e -> e.step() == ProvisioningEvent.Step.WARMED_UP)
                    .findFirst().orElseThrow(() -> new AssertionError("no warm-up on a new volume: " + cold));
            assertTrue(warmed.detail().contains("copied from the host"), warmed.detail());
            long coldRun = firstInnerRun(fx, a);
            long coldTotal = a.provisioningTime().toMillis() + coldRun;
            String goldenSource = a.cacheVolume();
            fx.engine.terminate(a, false, ProvisioningEvent.Listener.NONE);

            List<ProvisioningEvent> warm = new ArrayList<>();
            DockerAgent b = fx.engine.provision(req(fx, "preload", preload), warm::add);
            assertEquals(goldenSource, b.cacheVolume());
            assertTrue(warm.stream().noneMatch(e -> e.step() == ProvisioningEvent.Step.WARMED_UP), "a reused volume is not warmed again");
            long warmRun = firstInnerRun(fx, b);
            long warmTotal = b.provisioningTime().toMillis() + warmRun;
            fx.engine.terminate(b, false, ProvisioningEvent.Listener.NONE);

            // The idle, warmed volume is now the golden volume of another pool.
            List<ProvisioningEvent> cloned = new ArrayList<>();
            DockerAgent c = fx.engine.provision(req(fx, "golden", CacheSettings.DEFAULTS.withGolden(goldenSource)), cloned::add);
            assertNotEquals(goldenSource, c.cacheVolume());
            assertTrue(hasTinyImage(fx, c), "the clone carries the golden volume's images");
            long cloneMs = cloned.stream().filter(e -> e.step() == ProvisioningEvent.Step.VOLUME_LEASED).findFirst()
                    .orElseThrow().duration().toMillis();
            long cloneRun = firstInnerRun(fx, c);
            fx.engine.terminate(c, false, ProvisioningEvent.Listener.NONE);
            System.out.printf("cache: to first inner docker run of the preloaded image: cold %d ms (provision %d + run %d),"
                    + " warm %d ms (provision %d + run %d); warm-up of a new volume: preload %d ms, golden clone %d ms"
                    + " (then run %d ms)%n", coldTotal, a.provisioningTime().toMillis(), coldRun, warmTotal,
                    b.provisioningTime().toMillis(), warmRun, warmed.duration().toMillis(), cloneMs, cloneRun);
        }
    }
}
