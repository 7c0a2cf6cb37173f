package io.jenkins.plugins.syscontainer.engine.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.ReapReport;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.k8s.KubernetesSettings.UserNamespaceMode;
import io.jenkins.plugins.syscontainer.engine.k8s.sim.FakeKubelet;
import io.jenkins.plugins.syscontainer.engine.k8s.sim.MockCluster;
import io.jenkins.plugins.syscontainer.engine.k8s.sim.MountWatcher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backend against the mock API server and the fake kubelet (test code that schedules, starts, fails and stops
 * pods through the API with our measured start times, scaled down): provisioning to Ready, termination and the
 * claim's release after the pod is gone, warm reuse, forced deletion, failures before Ready, recovery after a
 * restart, the reaper, eviction and a deleted cloud. An independent watcher checks that no claim was ever mounted by
 * two pods.
 */
class KubernetesBackendTest {
    static final String NS = "ci";
    static final String CONTROLLER = "abcdef.ci";
    private MockCluster cluster;
    private FakeKubelet kubelet;
    private MountWatcher watcher;
    /** The test's own view of the API, apart from the backends' clients. */
    private KubernetesClient api;
    private final List<KubernetesBackend> backends = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        cluster = MockCluster.start();
        api = cluster.client();
        FakeKubelet.Options o = new FakeKubelet.Options().scaled(0.1);
        o.nodes = 3;
        o.podsPerNode = 4;
        kubelet = new FakeKubelet(cluster.client(), NS, o);
        watcher = new MountWatcher(cluster.client(), NS);
    }

    @AfterEach
    void stop() throws Exception {
        for (KubernetesBackend b : backends) {
            b.close();
        }
        assertEquals(List.of(), watcher.doubleMounts(), "a claim was mounted by two pods at once");
        watcher.close();
        kubelet.close();
        cluster.close();
    }

    static KubernetesSettings settings(boolean cache) {
        return new KubernetesSettings("kubernetes/ci", NS, "sysbox-runc", UserNamespaceMode.HOST_USERS, null, 10, 10,
                "local", cache, true, Duration.ofSeconds(6), Duration.ofSeconds(5), 10);
    }

    private KubernetesBackend backend(boolean cache, String holder) {
        return backend(cache, holder, cluster.client());
    }

    private KubernetesBackend backend(boolean cache, String holder, KubernetesClient client) {
        KubernetesBackend b = new KubernetesBackend(CONTROLLER, client, settings(cache),
                new SecurityPolicy(Set.of("sysbox-runc")), (ns, pod) -> null, Clock.systemUTC(), null, holder);
        backends.add(b);
        return b;
    }

    private static ProvisionRequest req(String agent) {
        ProvisionRequest r = KubernetesPodPolicyTest.request(agent, "docker");
        return new ProvisionRequest(r.identity(), r.spec(), "docker", CacheSettings.DEFAULTS.withMaxVolumes(2),
                Duration.ofSeconds(5));
    }

    private PersistentVolumeClaim claim(String name) {
        return api.persistentVolumeClaims().inNamespace(NS).withName(name).get();
    }

    private String state(String claim) {
        PersistentVolumeClaim c = claim(claim);
        return c == null ? "gone" : c.getMetadata().getAnnotations().get(KubeNames.STATE);
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!cond.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void anAgentIsReadyOnceItsStartupProbePassedAndItsClaimIsReleasedOnlyAfterThePodIsGone() throws Exception {
        KubernetesBackend b = backend(true, "h1");
        b.recover();
        assertEquals(1, b.hosts().size());
        assertTrue(b.hosts().get(0).recovered(), String.valueOf(b.hosts().get(0).lastError()));
        List<ProvisioningEvent> events = new ArrayList<>();
        AgentHandle a = b.provision(req("sca-docker-1"), events::add);
        Pod pod = api.pods().inNamespace(NS).withName("sca-docker-1").get();
        assertEquals("True", pod.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready"))
                .findFirst().orElseThrow().getStatus(), "handed out only when Ready");
        assertTrue(a.hostName().startsWith("sim-node-"), a.hostName());
        assertNotNull(a.cacheVolume());
        assertEquals("leased", state(a.cacheVolume()));
        assertEquals("sca-docker-1", claim(a.cacheVolume()).getMetadata().getAnnotations().get(KubeNames.LEASED_BY));
        assertEquals(List.of(ProvisioningEvent.Step.VOLUME_LEASED, ProvisioningEvent.Step.CREATED,
                ProvisioningEvent.Step.HOST_CHOSEN, ProvisioningEvent.Step.INNER_DOCKER_READY),
                events.stream().map(ProvisioningEvent::step).toList());
        assertEquals(9, b.freeSlots("docker"));
        b.terminate(a, false, ProvisioningEvent.Listener.NONE);
        assertNull(api.pods().inNamespace(NS).withName("sca-docker-1").get());
        assertEquals("idle", state(a.cacheVolume()), "graceful deletion, container stopped: warm for the next agent");
        assertEquals(1, kubelet.stopped.get(), "the kubelet stopped the container before the pod went");
        AgentHandle second = b.provision(req("sca-docker-2"), ProvisioningEvent.Listener.NONE);
        assertEquals(a.cacheVolume(), second.cacheVolume(), "the warm claim is reused");
        b.terminate(second, true, ProvisioningEvent.Listener.NONE);
        assertEquals("quarantined", state(a.cacheVolume()), "an abnormal end quarantines the claim");
        assertTrue(claim(a.cacheVolume()).getMetadata().getAnnotations().get(KubeNames.NOTE).contains("abnormally"));
    }

    @Test
    void aForcedDeletionQuarantinesTheClaimAndTheAgentIsLost() throws Exception {
        KubernetesBackend b = backend(true, "h1");
        b.recover();
        AgentHandle a = b.provision(req("sca-docker-1"), ProvisioningEvent.Listener.NONE);
        kubelet.forceDelete("sca-docker-1");
        await("the claim is quarantined", () -> "quarantined".equals(state(a.cacheVolume())));
        assertTrue(claim(a.cacheVolume()).getMetadata().getAnnotations().get(KubeNames.NOTE).contains("forced"));
        assertEquals(Set.of("sca-docker-1"), b.vanished(Map.of("sca-docker-1", a.hostName())));
        assertTrue(b.endReason(a).contains("no longer exists"), b.endReason(a));
        b.terminate(a, true, ProvisioningEvent.Listener.NONE); // the pod is gone already: nothing to wait for
        assertTrue(a.isTerminated());
        AgentHandle next = b.provision(req("sca-docker-2"), ProvisioningEvent.Listener.NONE);
        assertFalse(a.cacheVolume().equals(next.cacheVolume()), "a quarantined claim is never leased again");
    }

    @Test
    void aContainerThatEndsBeforeItsInnerDockerAnswersIsRetriedOnAFreshClaim() throws Exception {
        KubernetesBackend b = backend(true, "h1");
        b.recover();
        kubelet.failNext(FakeKubelet.Fault.CONTAINER_EXITS);
        List<ProvisioningEvent> events = new ArrayList<>();
        AgentHandle a = b.provision(req("sca-docker-1"), events::add);
        assertTrue(events.stream().anyMatch(e -> e.step() == ProvisioningEvent.Step.RETRY), events.toString());
        List<String> leased = events.stream().filter(e -> e.step() == ProvisioningEvent.Step.VOLUME_LEASED)
                .map(ProvisioningEvent::detail).toList();
        assertEquals(2, leased.size(), leased.toString());
        String first = leased.get(0).split(" ")[0];
        assertFalse(first.equals(a.cacheVolume()));
        await("the failed pod's claim is quarantined", () -> "quarantined".equals(state(first)));
    }

    @Test
    void anImageThatCannotBePulledFailsAtOnceAndLeavesNothingLeased() throws Exception {
        KubernetesBackend b = backend(true, "h1");
        b.recover();
        kubelet.failNext(FakeKubelet.Fault.IMAGE_PULL_FAILS);
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> b.provision(req("sca-docker-1"), ProvisioningEvent.Listener.NONE));
        assertEquals(FailureKind.IMAGE_MISSING, e.kind(), e.getMessage());
        await("the pod is gone and its claim idle", () -> api.pods().inNamespace(NS).list().getItems()
                .isEmpty() && api.persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
                        .allMatch(c -> "idle".equals(c.getMetadata().getAnnotations().get(KubeNames.STATE))));
    }

    @Test
    void aPodNoNodeTakesFailsAsHostUnavailableWithTheSchedulersMessage() throws Exception {
        KubernetesSettings s = settings(false);
        KubernetesBackend b = new KubernetesBackend(CONTROLLER, cluster.client(), new KubernetesSettings(s.place(), NS,
                "gvisor", s.userNamespace(), null, 10, 10, null, false, true, s.controllerLease(), s.terminationGrace(),
                10), new SecurityPolicy(Set.of("gvisor", "sysbox-runc")), (ns, pod) -> null, Clock.systemUTC(), null, "h1");
        backends.add(b);
        b.recover();
        ProvisionRequest r = req("sca-docker-1");
        ProvisionRequest quick = new ProvisionRequest(r.identity(), r.spec(), null, r.cache(), Duration.ofSeconds(1));
        long t = System.nanoTime();
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> b.provision(quick, ProvisioningEvent.Listener.NONE));
        assertEquals(FailureKind.HOST_UNAVAILABLE, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("didn't match"), e.getMessage());
        assertTrue(System.nanoTime() - t < TimeUnit.SECONDS.toNanos(75));
    }

    @Test
    void aPolicyRefusalSendsNothing() throws Exception {
        KubernetesBackend b = backend(true, "h1");
        b.recover();
        ProvisionRequest r = req("sca-docker-1");
        SystemContainerSpec priv = r.spec().toBuilder().privileged(true).build();
        long writes = b.apiCalls().writes();
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> b.provision(new ProvisionRequest(
                r.identity(), priv, "docker", r.readyTimeout()), ProvisioningEvent.Listener.NONE));
        assertEquals(FailureKind.BAD_TEMPLATE, e.kind());
        ProvisioningException net = assertThrows(ProvisioningException.class, () -> b.provision(new ProvisionRequest(
                r.identity(), r.spec().toBuilder().network("build").build(), "docker", r.readyTimeout()),
                ProvisioningEvent.Listener.NONE));
        assertTrue(net.getMessage().contains("network"), net.getMessage());
        assertEquals(writes, b.apiCalls().writes(), "nothing was written to the API");
        assertTrue(api.pods().inNamespace(NS).list().getItems().isEmpty());
    }

    @Test
    void afterARestartTheNewControllerWaitsForTheLeaseThenFindsItsAgentsAndSettlesOrphanedClaims() throws Exception {
        KubernetesClient oldClient = cluster.client();
        KubernetesBackend old = backend(true, "incarnation-1", oldClient);
        old.recover();
        AgentHandle kept = old.provision(req("sca-docker-1"), ProvisioningEvent.Listener.NONE);
        AgentHandle lost = old.provision(req("sca-docker-2"), ProvisioningEvent.Listener.NONE);
        // the controller dies: nothing is released, then a pod goes while no controller watches
        cluster.kill(oldClient); // as a killed process: nothing it does reaches the API, its lease stays held
        old.close();
        backends.remove(old);
        kubelet.forceDelete("sca-docker-2");
        await("the pod is gone", () -> api.pods().inNamespace(NS).withName("sca-docker-2").get() == null);
        KubernetesBackend fresh = backend(true, "incarnation-2");
        fresh.recover();
        assertFalse(fresh.hosts().get(0).recovered(), "the crashed holder's lease has not lapsed yet");
        assertTrue(fresh.hosts().get(0).lastError().contains("incarnation-1"), fresh.hosts().get(0).lastError());
        assertEquals(0, fresh.freeSlots("docker"));
        await("the lease lapsed and the new controller recovered", fresh::recoverPending);
        assertEquals(1, fresh.fencingToken(), "a new holder, the next token");
        assertEquals("quarantined", state(lost.cacheVolume()), "leased to an agent whose pod went unseen");
        AgentHandle again = fresh.reattach(kept.hostName(), kept.identity());
        assertNotNull(again);
        assertEquals(kept.cacheVolume(), again.cacheVolume());
        assertEquals("leased", state(kept.cacheVolume()), "a live agent keeps its claim across the restart");
        assertNull(fresh.reattach(lost.hostName(), lost.identity()));
        fresh.terminate(again, false, ProvisioningEvent.Listener.NONE);
        assertEquals("idle", state(kept.cacheVolume()));
    }

    @Test
    void theReaperRemovesPodsJenkinsDoesNotKnowAndReportsEndedOnes() throws Exception {
        KubernetesBackend b = backend(false, "h1");
        b.recover();
        AgentHandle orphan = b.provision(req("sca-docker-1"), ProvisioningEvent.Listener.NONE);
        AgentHandle live = b.provision(req("sca-docker-2"), ProvisioningEvent.Listener.NONE);
        assertNull(orphan.cacheVolume(), "no cache: an emptyDir");
        List<ReapReport> young = b.reap(Set.of("sca-docker-2"), Duration.ofMinutes(10));
        assertEquals(List.of(), young.get(0).removed(), "younger than the grace period");
        List<ReapReport> r = b.reap(Set.of("sca-docker-2"), Duration.ZERO);
        assertEquals(List.of("sca-docker-1"), r.get(0).removed());
        await("the orphan is gone", () -> api.pods().inNamespace(NS).withName("sca-docker-1").get() == null);
        assertNotNull(api.pods().inNamespace(NS).withName("sca-docker-2").get());
        assertTrue(b.discardAll().get(0).removed().contains("sca-docker-2"));
        await("everything is gone", () -> api.pods().inNamespace(NS).list().getItems().isEmpty());
        assertTrue(live.cacheVolume() == null);
    }

    /**
     * A watch can miss a deletion (one that reconnected; the scale simulation's did, after its controller was
     * replaced): the pod then stays in its view, its agent is not seen lost and its claim stays leased for good. The
     * reaper's pass compares the view with one list from the API and handles such pods as gone.
     */
    @Test
    void aPodWhoseDeletionTheWatchMissedIsSettledByTheReaper() throws Exception {
        KubernetesBackend b = backend(true, "h1");
        b.recover();
        AgentHandle a = b.provision(req("sca-docker-1"), ProvisioningEvent.Listener.NONE);
        b.podWatch().stop(); // deaf from now on; its view stays as it was
        kubelet.forceDelete("sca-docker-1");
        await("the pod is gone", () -> api.pods().inNamespace(NS).withName("sca-docker-1").get() == null);
        assertEquals(Set.of(), b.vanished(Map.of("sca-docker-1", a.hostName())), "the deaf view still shows it");
        b.reap(Set.of("sca-docker-1"), Duration.ofMinutes(10));
        await("its claim is quarantined", () -> "quarantined".equals(state(a.cacheVolume())));
        assertTrue(claim(a.cacheVolume()).getMetadata().getAnnotations().get(KubeNames.NOTE).contains("forced"),
                "last seen running: it may still be mounted somewhere");
        assertEquals(Set.of("sca-docker-1"), b.vanished(Map.of("sca-docker-1", a.hostName())));
        assertEquals(List.of(), b.reap(Set.of(), Duration.ZERO).get(0).removed(), "settled once, not deleted again");
    }

    /** A termination whose pod's deletion event never comes asks the API once the grace is over, and ends. */
    @Test
    void aTerminationWhoseDeletionEventIsLostEndsAfterTheGrace() throws Exception {
        KubernetesBackend b = backend(true, "h1");
        b.recover();
        AgentHandle a = b.provision(req("sca-docker-1"), ProvisioningEvent.Listener.NONE);
        b.podWatch().stop();
        long t0 = System.nanoTime();
        b.terminate(a, false, ProvisioningEvent.Listener.NONE);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("terminated in " + ms + " ms without the deletion event");
        assertTrue(ms < 30_000, "ended after the grace (6 s) and 5 s, not after a minute: " + ms + " ms");
        assertNull(api.pods().inNamespace(NS).withName("sca-docker-1").get());
        assertEquals("quarantined", state(a.cacheVolume()), "its end was not seen: the claim is not trusted");
    }

    @Test
    void idleClaimsPastTheirTimeToLiveOrOverTheBudgetAreEvicted() throws Exception {
        KubernetesBackend b = backend(true, "h1");
        b.recover();
        AgentHandle x = b.provision(req("sca-docker-1"), ProvisioningEvent.Listener.NONE);
        AgentHandle y = b.provision(req("sca-docker-2"), ProvisioningEvent.Listener.NONE);
        b.terminate(x, false, ProvisioningEvent.Listener.NONE);
        b.terminate(y, false, ProvisioningEvent.Listener.NONE);
        assertEquals(List.of(), b.maintainCaches(Map.of(), Long.MAX_VALUE).get(0).evicted(), "within budget and TTL");
        long tenGi = 10L << 30;
        List<String> evicted = b.maintainCaches(Map.of("kubernetes/ci", tenGi), Long.MAX_VALUE).get(0).evicted();
        assertEquals(List.of(x.cacheVolume()), evicted, "the least recently used claim goes first, down to the budget");
        await("it is deleted", () -> claim(x.cacheVolume()) == null);
        assertEquals("idle", state(y.cacheVolume()));
        assertEquals(1, b.caches().get(0).evictions());
    }
    /**
     * A provision waiting for a pod when its engine is closed (the cloud reconfigured, Jenkins stopping) ends at once
     * with a failure to try again, instead of waiting out the ready and pull timeouts (over a minute here) for events
     * that a stopped watch no longer delivers.
     */
    @Test
    void aProvisionWaitingForItsPodEndsWhenItsEngineCloses() throws Exception {
        KubernetesBackend b = backend(false, "h1");
        b.recover();
        kubelet.failNext(FakeKubelet.Fault.NEVER_READY);
        java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                b.provision(req("sca-docker-1"), ProvisioningEvent.Listener.NONE);
                ended.complete(null);
            } catch (Throwable e) {
                ended.complete(e);
            }
        });
        t.start();
        await("the pod is on a node", () -> {
            Pod p = api.pods().inNamespace(NS).withName("sca-docker-1").get();
            return p != null && p.getSpec().getNodeName() != null;
        });
        long t0 = System.nanoTime();
        backends.remove(b);
        b.close();
        Throwable e = ended.get(10, TimeUnit.SECONDS);
        System.out.println("the waiting provision ended " + (System.nanoTime() - t0) / 1_000_000 + " ms after close: " + e);
        assertTrue(e instanceof ProvisioningException pe && pe.kind() == FailureKind.HOST_UNAVAILABLE, String.valueOf(e));
    }
}
