package io.jenkins.plugins.syscontainer.engine.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.docker.ContainerExec;
import io.jenkins.plugins.syscontainer.engine.docker.DockerAgent;
import io.jenkins.plugins.syscontainer.engine.docker.DockerBackend;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Eviction under a size budget, quarantine of a broken volume, and leases rebuilt after a controller restart. */
class CacheLifecycleDockerTest {
    private static final long MIB = 1L << 20;

    private static ProvisionRequest req(EngineFixture fx, String key, CacheSettings cache, Duration ready) {
        return new ProvisionRequest(fx.identity(key), EngineFixture.agentSpec().build(), key, cache, ready);
    }

    private static void fill(EngineFixture fx, DockerAgent a, int mib) throws InterruptedException {
        ExecResult r = new ContainerExec(fx.docker).run(a.containerId(),
                List.of("sh", "-c", "head -c " + mib * MIB + " /dev/urandom > /var/lib/docker/sca-fill"), Duration.ofSeconds(60));
        assertTrue(r.ok(), r.toString());
    }

    @Test
    void evictionKeepsTheHostUnderBudgetAndNeverTouchesALeasedVolume() throws Exception {
        try (EngineFixture fx = new EngineFixture()) {
            CacheSettings cache = CacheSettings.DEFAULTS.withMaxVolumes(5);
            List<DockerAgent> agents = new ArrayList<>();
            for (CompletableFuture<DockerAgent> f : List.of(1, 2, 3).stream().map(i -> CompletableFuture.supplyAsync(() -> {
                try {
                    return fx.engine.provision(req(fx, "evict", cache, Duration.ofSeconds(60)), ProvisioningEvent.Listener.NONE);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            })).toList()) {
                agents.add(f.get());
            }
            fill(fx, agents.get(0), 20);
            fill(fx, agents.get(1), 30);
            fill(fx, agents.get(2), 40);
            fx.engine.terminate(agents.get(0), false, ProvisioningEvent.Listener.NONE); // least recently used
            Thread.sleep(20);
            fx.engine.terminate(agents.get(1), false, ProvisioningEvent.Listener.NONE);
            String leased = agents.get(2).cacheVolume();

            VolumeStore host = fx.engine.volumeStore(fx.engine.managedHosts().get(0).name());
            CacheEvictor evictor = new CacheEvictor(fx.engine.cachePool(), Duration.ZERO, Map.of(), 80 * MIB);
            List<String> evicted = evictor.maintain(host);
            CacheStats after = fx.engine.caches().get(0);
            System.out.println("eviction: budget 80 MiB, evicted " + evicted + ", left " + after.toJson());
            assertEquals(List.of(agents.get(0).cacheVolume()), evicted, "only the least recently used idle volume had to go");
            assertTrue(after.totalBytes() <= 80 * MIB, after.toJson());
            assertEquals(1, after.evictions());
            assertThrows(NotFoundException.class, () -> fx.docker.inspectVolumeCmd(agents.get(0).cacheVolume()).exec());

            CacheEvictor tight = new CacheEvictor(fx.engine.cachePool(), Duration.ZERO, Map.of(), 10 * MIB);
            assertEquals(List.of(agents.get(1).cacheVolume()), tight.maintain(host), "every idle volume goes, no leased one");
            fx.docker.inspectVolumeCmd(leased).exec(); // the leased 40 MiB volume is still there, over budget or not
            assertFalse(tight.evict(host, leased), "an explicit eviction of a leased volume is refused");
            fx.engine.terminate(agents.get(2), false, ProvisioningEvent.Listener.NONE);
            assertEquals(List.of(leased), tight.maintain(host), "once idle it can go");
        }
    }

    @Test
    void idleVolumesPastTheirTimeToLiveAreEvicted() throws Exception {
        try (EngineFixture fx = new EngineFixture()) {
            CacheSettings cache = CacheSettings.DEFAULTS.withIdleTtl(Duration.ofMillis(300));
            DockerAgent a = fx.engine.provision(req(fx, "ttl", cache, Duration.ofSeconds(60)), ProvisioningEvent.Listener.NONE);
            fx.engine.terminate(a, false, ProvisioningEvent.Listener.NONE);
            CacheEvictor evictor = new CacheEvictor(fx.engine.cachePool(), Duration.ofHours(1), Map.of(), Long.MAX_VALUE);
            assertEquals(List.of(), evictor.maintain(fx.engine.volumeStore(fx.engine.managedHosts().get(0).name())));
            Thread.sleep(400);
            assertEquals(List.of(a.cacheVolume()), evictor.maintain(fx.engine.volumeStore(fx.engine.managedHosts().get(0).name())));
        }
    }

    @Test
    void keptQuarantinedVolumesAreNeverHandedOutGoFirstUnderBudgetAndExpire() throws Exception {
        try (EngineFixture fx = new EngineFixture()) {
            CacheSettings cache = CacheSettings.DEFAULTS.withKeepQuarantined(true).withIdleTtl(Duration.ofMillis(1500));
            DockerAgent crashed = fx.engine.provision(req(fx, "keep", cache, Duration.ofSeconds(60)), ProvisioningEvent.Listener.NONE);
            DockerAgent fine = fx.engine.provision(req(fx, "keep", cache, Duration.ofSeconds(60)), ProvisioningEvent.Listener.NONE);
            fx.engine.terminate(fine, false, ProvisioningEvent.Listener.NONE); // idle, used before the quarantine
            Thread.sleep(20);
            fx.engine.terminate(crashed, true, ProvisioningEvent.Listener.NONE); // abnormal end: quarantined, kept
            fx.docker.inspectVolumeCmd(crashed.cacheVolume()).exec();
            assertEquals(CacheVolume.State.QUARANTINED.name().toLowerCase(java.util.Locale.ROOT),
                    fx.engine.caches().get(0).volumes().stream().filter(v -> v.name().equals(crashed.cacheVolume()))
                            .findFirst().orElseThrow().state());
            DockerAgent next = fx.engine.provision(req(fx, "keep", cache, Duration.ofSeconds(60)), ProvisioningEvent.Listener.NONE);
            assertNotEquals(crashed.cacheVolume(), next.cacheVolume(), "a quarantined volume is never handed out");
            fx.engine.terminate(next, false, ProvisioningEvent.Listener.NONE);

            VolumeStore host = fx.engine.volumeStore(fx.engine.managedHosts().get(0).name());
            CacheEvictor tight = new CacheEvictor(fx.engine.cachePool(), Duration.ZERO, Map.of(), 1);
            List<String> evicted = tight.maintain(host);
            assertEquals(crashed.cacheVolume(), evicted.get(0), "over budget, the kept quarantined volume goes first: " + evicted);

            try (EngineFixture fx2 = new EngineFixture()) {
                DockerAgent c2 = fx2.engine.provision(req(fx2, "keepttl", cache, Duration.ofSeconds(60)), ProvisioningEvent.Listener.NONE);
                fx2.engine.terminate(c2, true, ProvisioningEvent.Listener.NONE);
                CacheEvictor roomy = new CacheEvictor(fx2.engine.cachePool(), Duration.ofHours(1), Map.of(), Long.MAX_VALUE);
                assertEquals(List.of(), roomy.maintain(fx2.engine.volumeStore(fx2.engine.managedHosts().get(0).name())), "kept while its time-to-live runs");
                Thread.sleep(1600);
                assertEquals(List.of(c2.cacheVolume()), roomy.maintain(fx2.engine.volumeStore(fx2.engine.managedHosts().get(0).name())), "then it expires");
            }
        }
    }

    @Test
    void aVolumeWhoseInnerDockerCannotStartIsQuarantinedAndTheAgentComesUpOnAFreshOne() throws Exception {
        DockerTestSupport.requireImage(DockerTestSupport.TINY_IMAGE);
        try (EngineFixture fx = new EngineFixture()) {
            DockerAgent first = fx.engine.provision(req(fx, "broken", CacheSettings.DEFAULTS, Duration.ofSeconds(60)),
                    ProvisioningEvent.Listener.NONE);
            String bad = first.cacheVolume();
            fx.engine.terminate(first, false, ProvisioningEvent.Listener.NONE);
            // Break the idle volume behind the pool's back: overlay2's directory becomes a file.
            String breaker = fx.docker.createContainerCmd(DockerTestSupport.TINY_IMAGE)
                    .withCmd("sh", "-c", "rm -rf /v/overlay2 /v/image && echo broken > /v/overlay2 && echo broken > /v/image")
                    .withHostConfig(HostConfig.newHostConfig().withMounts(List.of(
                            new Mount().withType(MountType.VOLUME).withSource(bad).withTarget("/v")))).exec().getId();
            fx.docker.startContainerCmd(breaker).exec();
            assertEquals(0, fx.docker.waitContainerCmd(breaker).start().awaitStatusCode());
            fx.docker.removeContainerCmd(breaker).exec();

            List<ProvisioningEvent> events = new ArrayList<>();
            DockerAgent second = fx.engine.provision(req(fx, "broken", CacheSettings.DEFAULTS, Duration.ofSeconds(8)),
                    events::add);
            System.out.println("quarantine: " + events);
            assertNotEquals(bad, second.cacheVolume(), "the agent came up on a fresh volume");
            assertTrue(events.stream().anyMatch(e -> e.step() == ProvisioningEvent.Step.RETRY && e.detail().contains(bad)));
            assertThrows(NotFoundException.class, () -> fx.docker.inspectVolumeCmd(bad).exec(), "quarantined volume removed");
            assertTrue(fx.engine.caches().get(0).volumes().stream().noneMatch(v -> v.name().equals(bad)));
            fx.engine.terminate(second, false, ProvisioningEvent.Listener.NONE);
        }
    }

    @Test
    void afterARestartLiveAgentsKeepTheirLeasesAndLastUseIsRemembered() throws Exception {
        Path ledgerFile = Files.createTempFile("sca-ledger-", ".properties");
        try (EngineFixture fx = new EngineFixture()) {
            DockerBackend before = new DockerBackend(fx.controllerId,
                    List.of(fx.engine.managedHosts().get(0).config()), SecurityPolicy.defaultPolicy(), new CacheLedger(ledgerFile),
                    Clock.systemUTC(), null);
            DockerAgent idleOne = before.provision(req(fx, "restart", CacheSettings.DEFAULTS, Duration.ofSeconds(60)),
                    ProvisioningEvent.Listener.NONE);
            DockerAgent live = before.provision(req(fx, "restart", CacheSettings.DEFAULTS, Duration.ofSeconds(60)),
                    ProvisioningEvent.Listener.NONE);
            before.terminate(idleOne, false, ProvisioningEvent.Listener.NONE);
            var lastUse = before.caches().get(0).volumes().stream()
                    .filter(v -> v.name().equals(idleOne.cacheVolume())).findFirst().orElseThrow().lastUsed();
            before.close(); // the controller goes away; the live agent's container keeps running

            DockerBackend after = new DockerBackend(fx.controllerId,
                    List.of(fx.engine.managedHosts().get(0).config()), SecurityPolicy.defaultPolicy(), new CacheLedger(ledgerFile),
                    Clock.systemUTC(), null);
            try (after) {
                after.recover();
                CacheStats s = after.caches().get(0);
                System.out.println("restart: recovered " + s.toJson());
                var liveVol = s.volumes().stream().filter(v -> v.name().equals(live.cacheVolume())).findFirst().orElseThrow();
                assertEquals("leased", liveVol.state());
                assertEquals(live.agentName(), liveVol.leasedBy());
                var idleVol = s.volumes().stream().filter(v -> v.name().equals(idleOne.cacheVolume())).findFirst().orElseThrow();
                assertEquals("idle", idleVol.state());
                assertEquals(lastUse, idleVol.lastUsed(), "last use comes back from the ledger");
                assertEquals(1, after.managedHosts().get(0).activeAgents(), "the live agent holds its host slot again");

                // Two new agents: one gets the idle volume, the other a new one; never the live agent's.
                DockerAgent n1 = after.provision(req(fx, "restart", CacheSettings.DEFAULTS, Duration.ofSeconds(60)),
                        ProvisioningEvent.Listener.NONE);
                DockerAgent n2 = after.provision(req(fx, "restart", CacheSettings.DEFAULTS, Duration.ofSeconds(60)),
                        ProvisioningEvent.Listener.NONE);
                assertEquals(idleOne.cacheVolume(), n1.cacheVolume());
                assertNotEquals(live.cacheVolume(), n2.cacheVolume());

                DockerAgent reattached = after.reattach("local", live.identity());
                assertNotNull(reattached);
                assertEquals(live.containerId(), reattached.containerId());
                after.terminate(reattached, false, ProvisioningEvent.Listener.NONE);
                assertEquals("idle", after.caches().get(0).volumes().stream()
                        .filter(v -> v.name().equals(live.cacheVolume())).findFirst().orElseThrow().state());
                after.terminate(n1, false, ProvisioningEvent.Listener.NONE);
                after.terminate(n2, false, ProvisioningEvent.Listener.NONE);
                assertEquals(List.of(), fx.containers());
            }
        } finally {
            Files.deleteIfExists(ledgerFile);
        }
    }
}
