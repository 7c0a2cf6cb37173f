package io.jenkins.plugins.syscontainer.engine.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.k8s.sim.MockCluster;
import io.jenkins.plugins.syscontainer.engine.k8s.sim.MountWatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The claim lease and the controller Lease against the mock API server (CRUD mode: it answers a write with a stale
 * resourceVersion with 409, as a real API server does). Two lease stores stand for two writers that do not share
 * memory; whatever they do, a claim is leased to one agent at a time.
 */
class KubernetesLeaseTest {
    static final String NS = "ci";
    private MockCluster cluster;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        cluster = MockCluster.start();
        client = cluster.client();
    }

    @AfterEach
    void stop() {
        client.close();
        cluster.close();
    }

    private CacheClaims store(KubernetesClient c, ApiCalls calls) throws Exception {
        KubernetesSettings s = KubernetesPodPolicyTest.SETTINGS.withPvcCache(true, "local");
        CacheClaims claims = new CacheClaims(c, new KubernetesSettings(s.place(), NS, s.runtimeClass(),
                s.userNamespace(), null, 10, 10, "local", true, true, null, null, 100),
                KubeNames.controllerLabel("controller.ci"), "controller.ci", Clock.systemUTC(), calls);
        claims.start(Duration.ofSeconds(10));
        return claims;
    }

    private static ProvisionRequest req(String agent, int maxVolumes) {
        ProvisionRequest r = KubernetesPodPolicyTest.request(agent, "docker");
        return new ProvisionRequest(r.identity(), r.spec(), "docker", CacheSettings.DEFAULTS.withMaxVolumes(maxVolumes),
                r.readyTimeout());
    }

    @Test
    void aWriteWithAStaleResourceVersionIsRefusedWith409() {
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("c1").endMetadata().build()).create();
        PersistentVolumeClaim stale = new PersistentVolumeClaimBuilder(pvc).build();
        client.persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder(pvc).editMetadata()
                .addToAnnotations("a", "1").endMetadata().build()).update();
        KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> client
                .persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder(stale)
                        .editMetadata().addToAnnotations("a", "2").endMetadata().build()).update());
        assertEquals(409, e.getCode());
    }

    @Test
    void underContentionEveryClaimHasOneHolderAtATime() throws Exception {
        ApiCalls callsA = new ApiCalls();
        ApiCalls callsB = new ApiCalls();
        KubernetesClient other = cluster.client();
        CacheClaims a = store(client, callsA);
        CacheClaims b = store(other, callsB);
        // a pool of 6 idle claims, made by leasing and releasing
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            made.add(a.lease(req("seed-" + i, 6), 1, x -> false, false).name());
        }
        for (int i = 0; i < 6; i++) {
            a.release(made.get(i), "seed-" + i, true, null);
        }
        awaitState(a, "idle", 6);
        Map<String, String> holders = new ConcurrentHashMap<>();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        List<Integer> leasesPerRound = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            for (int round = 0; round < 5; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> leases = new ArrayList<>();
                for (int t = 0; t < 12; t++) {
                    CacheClaims s = t % 2 == 0 ? a : b;
                    String agent = "r" + round + "-t" + t;
                    leases.add(pool.submit(() -> {
                        go.await();
                        CacheClaims.ClaimLease l = s.lease(req(agent, 6), 1, x -> false, false);
                        if (l != null && holders.putIfAbsent(l.name(), agent) != null) {
                            violations.add(l.name() + " leased to " + agent + " while " + holders.get(l.name())
                                    + " held it");
                        }
                        return l == null ? null : l.name() + "=" + agent;
                    }));
                }
                go.countDown();
                int n = 0;
                for (Future<String> f : leases) {
                    String got = f.get(30, TimeUnit.SECONDS);
                    if (got != null) {
                        n++;
                        String[] kv = got.split("=");
                        holders.remove(kv[0], kv[1]);
                        (Integer.parseInt(kv[1].substring(kv[1].indexOf("-t") + 2)) % 2 == 0 ? a : b)
                                .release(kv[0], kv[1], true, null);
                    }
                }
                leasesPerRound.add(n);
                awaitState(a, "idle", 6);
            }
        } finally {
            pool.shutdownNow();
            other.close();
        }
        assertEquals(List.of(), violations);
        assertEquals(List.of(6, 6, 6, 6, 6), leasesPerRound, "12 takers, 6 claims: 6 leases a round, no more");
        assertTrue(callsA.counts().conflicts() + callsB.counts().conflicts() > 0,
                "two writers racing for the same claims must meet 409s: " + callsA.counts() + " " + callsB.counts());
        assertEquals(6, a.all().size(), "no claim was made beyond the pool's cap");
    }

    @Test
    void aClaimAPodMountsIsNotHandedOutAndOnlyItsHolderReleasesIt() throws Exception {
        CacheClaims a = store(client, new ApiCalls());
        String c = a.lease(req("first", 2), 1, x -> false, false).name();
        a.release(c, "someone-else", true, null);
        awaitState(a, "leased", 1);
        a.release(c, "first", true, null);
        awaitState(a, "idle", 1);
        CacheClaims.ClaimLease next = a.lease(req("second", 2), 1, claim -> claim.equals(c), false);
        assertNotNull(next);
        assertFalse(next.name().equals(c), "the claim a pod still mounts was handed out");
        assertTrue(next.fresh());
        assertNull(a.lease(req("third", 2), 1, claim -> claim.equals(c), false), "pool full and busy");
    }

    @Test
    void aQuarantinedClaimIsNeverLeasedAgainAndIsEvicted() throws Exception {
        CacheClaims a = store(client, new ApiCalls());
        String c = a.lease(req("first", 1), 1, x -> false, false).name();
        a.release(c, "first", false, "forced deletion");
        awaitState(a, "quarantined", 1);
        assertNull(a.lease(req("second", 1), 1, x -> false, false), "the only claim is quarantined; the cap is 1");
        assertEquals(List.of(c), a.maintain(Long.MAX_VALUE));
        awaitGone(c);
    }

    @Test
    void theWatcherSeesADoubleMount() throws Exception {
        try (MountWatcher w = new MountWatcher(cluster.client(), NS)) {
            for (String pod : List.of("p1", "p2")) {
                client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(pod).endMetadata()
                        .withNewSpec().addNewContainer().withName("c").withImage("x").endContainer().addNewVolume()
                        .withName("d").withNewPersistentVolumeClaim().withClaimName("shared").endPersistentVolumeClaim()
                        .endVolume().endSpec().build()).create();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (w.doubleMounts().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, w.doubleMounts().size(), "the watcher must catch two pods on one claim");
        }
    }

    @Test
    void theControllerLeaseFencesASecondHolderUntilTheFirstLetsGoOrLapses() throws Exception {
        MutableTime time = new MutableTime(Instant.parse("2026-12-03T10:00:00Z"));
        ApiCalls calls = new ApiCalls();
        ControllerLease first = new ControllerLease(client, NS, "c-x", "first", Duration.ofSeconds(30), time, calls);
        ControllerLease second = new ControllerLease(client, NS, "c-x", "second", Duration.ofSeconds(30), time, calls);
        assertTrue(first.acquire());
        assertEquals(0, first.token());
        assertFalse(second.acquire(), "held and renewed: nobody else manages this controller id");
        assertTrue(second.otherHolder().startsWith("first"), second.otherHolder());
        time.plus(Duration.ofSeconds(15));
        assertTrue(first.renew());
        time.plus(Duration.ofSeconds(25));
        assertFalse(second.acquire(), "renewed 25 s ago: still held");
        time.plus(Duration.ofSeconds(10));
        assertFalse(first.valid(), "the holder counts itself gone before the lease lapses for others");
        assertTrue(second.acquire(), "lapsed: a crashed holder does not block forever");
        assertEquals(1, second.token(), "a new holder gets the next fencing token");
        assertFalse(first.renew(), "the old holder finds it lost the lease");
        assertEquals(-1, first.token());
        second.release();
        assertTrue(first.acquire(), "a released lease is free at once");
        assertEquals(2, first.token());
    }

    private void awaitState(CacheClaims claims, String state, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (claims.all().stream().filter(c -> c.state().equals(state)).count() != n) {
            if (System.nanoTime() > deadline) {
                Map<String, String> states = new HashMap<>();
                claims.all().forEach(c -> states.put(c.name(), c.state()));
                throw new AssertionError("expected " + n + " claims " + state + ", have " + states);
            }
            Thread.sleep(10);
        }
    }

    private void awaitGone(String claim) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.persistentVolumeClaims().inNamespace(NS).withName(claim).get() != null) {
            assertTrue(System.nanoTime() < deadline, claim + " still exists");
            Thread.sleep(20);
        }
    }

    /** A clock the test moves. */
    static final class MutableTime extends Clock {
        private volatile Instant now;

        MutableTime(Instant now) {
            this.now = now;
        }

        void plus(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static Set<String> none() {
        return Set.of();
    }
}
