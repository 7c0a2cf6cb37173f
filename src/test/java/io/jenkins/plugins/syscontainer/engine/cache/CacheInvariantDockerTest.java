package io.jenkins.plugins.syscontainer.engine.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.docker.DockerAgent;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 20 concurrent provisions on one pool of 4 volumes, with random terminations and container kills in between, while a
 * checker watches Docker for the whole run: no cache volume may ever be mounted by two live containers.
 */
class CacheInvariantDockerTest {
    private static final int ROUNDS = 3;

    @Test
    void aCacheVolumeIsNeverMountedByTwoLiveContainers() throws Exception {
        try (EngineFixture fx = new EngineFixture()) {
            CacheSettings pool = CacheSettings.DEFAULTS.withMaxVolumes(4);
            List<String> violations = new CopyOnWriteArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger checks = new AtomicInteger();
            Thread checker = new Thread(() -> {
                while (running.get()) {
                    check(fx, violations);
                    checks.incrementAndGet();
                }
            });
            checker.start();

            ExecutorService workers = Executors.newFixedThreadPool(20);
            Map<String, Integer> perVolume = new ConcurrentHashMap<>();
            AtomicInteger kills = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int seed = i;
                futures.add(workers.submit(() -> {
                    Random r = new Random(seed);
                    Thread.sleep(r.nextInt(2000)); // staggered, so that releases and new leases interleave
                    for (int round = 0; round < ROUNDS; round++) {
                        DockerAgent a = fx.engine.provision(new ProvisionRequest(fx.identity("inv"),
                                EngineFixture.agentSpec().build(), "invariant", pool, Duration.ofSeconds(120)),
                                ProvisioningEvent.Listener.NONE);
                        perVolume.merge(a.cacheVolume(), 1, Integer::sum);
                        Thread.sleep(r.nextInt(1500));
                        boolean kill = r.nextInt(4) == 0;
                        if (kill) { // the agent dies under us: its volume must be quarantined, not reused
                            fx.docker.killContainerCmd(a.containerId()).exec();
                            kills.incrementAndGet();
                        }
                        fx.engine.terminate(a, kill, ProvisioningEvent.Listener.NONE);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
            workers.shutdown();
            running.set(false);
            checker.join();
            check(fx, violations);

            long reusedPool = perVolume.entrySet().stream().filter(e -> e.getKey().startsWith("sca-cache-"))
                    .mapToInt(Map.Entry::getValue).sum();
            System.out.printf("invariant: %d provisions by 20 concurrent workers, %d killed, %d Docker checks, %d on pool"
                    + " volumes (%d distinct), stats %s%n", 20 * ROUNDS, kills.get(), checks.get(), reusedPool,
                    perVolume.keySet().stream().filter(k -> k.startsWith("sca-cache-")).count(),
                    fx.engine.caches().get(0).toJson());
            assertEquals(List.of(), violations, "a cache volume was mounted by two live containers");
            assertTrue(checks.get() > 10, "the checker must have watched the run");
            assertTrue(perVolume.values().stream().anyMatch(n -> n > 1), "pool volumes were reused: " + perVolume);
            CacheStats stats = fx.engine.caches().get(0);
            assertTrue(stats.volumes().size() <= 4, stats.toJson());
            assertTrue(stats.volumes().stream().allMatch(v -> v.state().equals("idle")), stats.toJson());
            assertEquals(List.of(), fx.containers());
        }
    }

    /** One look at Docker: every live container of ours and the volume at its /var/lib/docker. */
    private static void check(EngineFixture fx, List<String> violations) {
        Map<String, List<String>> users = new HashMap<>();
        for (Container c : fx.containers()) {
            if (!Set.of("running", "created", "restarting", "paused").contains(c.getState())) {
                continue;
            }
            try {
                InspectContainerResponse i = fx.docker.inspectContainerCmd(c.getId()).exec();
                if (!Boolean.TRUE.equals(i.getState().getRunning()) && !"created".equals(i.getState().getStatus())) {
                    continue;
                }
                for (InspectContainerResponse.Mount m : i.getMounts()) {
                    if (m.getName() != null && "/var/lib/docker".equals(m.getDestination().getPath())) {
                        users.computeIfAbsent(m.getName(), k -> new ArrayList<>()).add(c.getId().substring(0, 12));
                    }
                }
            } catch (NotFoundException e) {
                // removed between list and inspect
            }
        }
        users.forEach((v, cs) -> {
            if (cs.size() > 1) {
                violations.add(v + " mounted by " + cs);
            }
        });
    }
}
