package io.jenkins.plugins.syscontainer.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.k8s.KubernetesBackend;
import io.jenkins.plugins.syscontainer.engine.k8s.KubernetesSettings;
import io.jenkins.plugins.syscontainer.engine.k8s.KubernetesSettings.UserNamespaceMode;
import io.jenkins.plugins.syscontainer.engine.k8s.sim.FakeKubelet;
import io.jenkins.plugins.syscontainer.engine.k8s.sim.MockCluster;
import io.jenkins.plugins.syscontainer.engine.k8s.sim.MountWatcher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scale simulation of the Kubernetes backend: the real {@link KubernetesBackend}, against the fabric8 mock API
 * server (CRUD mode) with the fake kubelet of the tests playing the nodes. N agents are requested at an even pace
 * within a window; each holds its pod a few seconds once Ready, then is terminated. Faults: a share of pods whose
 * container ends before Ready, forced deletions of running pods, and the controller killed mid-way (its client cut,
 * nothing released) and a new one started with another holder identity. The figures: provision decisions per second
 * (claim leased and pod accepted by the API), the backend's API writes per agent, the 409 rate, the time until every
 * agent had been Ready, and double mounts, counted by an independent watcher with its own client.
 *
 * <p>{@code java -cp sca-benchmarks.jar io.jenkins.plugins.syscontainer.bench.KubernetesScale [--quick]}
 */
public final class KubernetesScale {
    static final String NS = "sim";
    static final String CONTROLLER = "sim-controller.k8s";

    private final int nodes;
    private final int agents;
    private final Duration window;
    private final Duration holdMin;
    private final Duration holdMax;
    private final double failRate;
    private final int forcedDeletions;
    private final int cacheKeys;

    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final ConcurrentLinkedQueue<Long> decisions = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> decisionLatency = new ConcurrentLinkedQueue<>();
    private final AtomicInteger readyAgents = new AtomicInteger();
    private final AtomicInteger failedAgents = new AtomicInteger();
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger peakLive = new AtomicInteger();
    private final AtomicReference<KubernetesBackend> backend = new AtomicReference<>();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private volatile long lastReadyNanos;
    private long leftovers;
    private long leasedLeftover;
    /** How each agent's life ended, to explain a claim left leased (printed for those only). */
    private final java.util.Map<String, String> endings = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile KubernetesBackend firstBackend;
    private volatile long restartAtMs = -1;
    private volatile long runStart;

    KubernetesScale(boolean quick) {
        nodes = quick ? 50 : 250;
        agents = quick ? 200 : 1000;
        window = Duration.ofSeconds(quick ? 20 : 60);
        holdMin = Duration.ofSeconds(quick ? 3 : 10);
        holdMax = Duration.ofSeconds(quick ? 8 : 30);
        failRate = 0.02;
        forcedDeletions = quick ? 4 : 20;
        cacheKeys = 10;
    }

    private KubernetesClient countingClient(MockCluster cluster) {
        return cluster.client(b -> b.addOrReplaceInterceptor("count", new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                if ("GET".equals(request.method())) {
                    reads.incrementAndGet();
                } else {
                    writes.incrementAndGet();
                }
            }

            @Override
            public void after(HttpRequest request, HttpResponse<?> response,
                    io.fabric8.kubernetes.client.http.AsyncBody.Consumer<List<java.nio.ByteBuffer>> consumer) {
                if (response.code() == 409) {
                    conflicts.incrementAndGet();
                }
            }
        }));
    }

    private KubernetesBackend newBackend(KubernetesClient client, String holder) {
        KubernetesSettings s = new KubernetesSettings("kubernetes/" + NS, NS, "sysbox-runc", UserNamespaceMode.HOST_USERS,
                "sca-agent", 20, 10, "local", true, true, Duration.ofSeconds(6), Duration.ofSeconds(30), agents * 2);
        return new KubernetesBackend(CONTROLLER, client, s, new SecurityPolicy(Set.of("sysbox-runc")),
                (ns, pod) -> null, Clock.systemUTC(), null, holder);
    }

    private ProvisionRequest request(int i, int attempt) {
        String key = "tpl-" + (i % cacheKeys);
        SystemContainerSpec spec = SystemContainerSpec.builder("registry.example.com/ci/agent:1").cpus(2)
                .memoryBytes(4L << 30).build();
        return new ProvisionRequest(new AgentIdentity(CONTROLLER, "k8s", key,
                String.format("sca-%s-%05d-%d", key, i, attempt)),
                spec, key, CacheSettings.DEFAULTS.withMaxVolumes(agents / cacheKeys + 20), Duration.ofSeconds(60));
    }

    /** One agent's life; returns its handle's name when it ran, or null. */
    private void agent(int i, long start, Random random) {
        long t0 = System.nanoTime();
        AgentHandle h = null;
        for (int attempt = 0; h == null; attempt++) {
            // a new name for every attempt, as Jenkins plans a new node for every try
            ProvisionRequest req = request(i, attempt);
            KubernetesBackend b = backend.get();
            try {
                h = b.provision(req, e -> {
                    if (e.step() == ProvisioningEvent.Step.CREATED) {
                        long now = System.nanoTime();
                        decisions.add(now - start);
                        decisionLatency.add(e.duration().toNanos());
                    }
                });
            } catch (ProvisioningException e) {
                if (b != backend.get()) {
                    continue; // its controller was killed under it: Jenkins would plan it again
                }
                if (e.kind() == FailureKind.HOST_UNAVAILABLE && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(3)) {
                    sleep(250); // the controller is restarting: Jenkins would ask again on its next pass
                    continue;
                }
                failedAgents.incrementAndGet();
                errors.add(req.identity().agentName() + ": " + e.getMessage());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (b != backend.get()) {
                    continue; // provisioned on the controller that was killed: Jenkins would plan it again
                }
                failedAgents.incrementAndGet();
                errors.add(req.identity().agentName() + ": " + e);
                return;
            }
        }
        readyAgents.incrementAndGet();
        lastReadyNanos = System.nanoTime() - start;
        peakLive.accumulateAndGet(live.incrementAndGet(), Math::max);
        long hold = holdMin.toMillis() + (long) (random.nextDouble() * (holdMax.toMillis() - holdMin.toMillis()));
        sleep(hold);
        live.decrementAndGet();
        for (int attempt = 0; attempt < 20; attempt++) {
            KubernetesBackend b = backend.get();
            try {
                AgentHandle mine = b.owns(h) ? h : b.reattach(h.hostName(), h.identity());
                if (mine != null) {
                    b.terminate(mine, false, ProvisioningEvent.Listener.NONE);
                }
                endings.put(h.agentName(), (b == firstBackend ? "terminated by the first controller"
                        : mine == h ? "terminated by the second" : mine == null ? "no pod to terminate (second)"
                        : "reattached and terminated by the second") + " at " + (System.nanoTime() - start) / 1_000_000
                        + " ms, restart at " + restartAtMs + " ms");
                return;
            } catch (RuntimeException e) {
                sleep(500);
            }
        }
        errors.add(h.agentName() + ": could not be terminated");
    }

    private static long leased(KubernetesClient api) {
        return api.persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
                .filter(c -> "leased".equals(c.getMetadata().getAnnotations().get("syscontainer.jenkins.io/state")))
                .count();
    }

    /** Every thread's stack, virtual ones included (where the agents run), into a file whose start is printed. */
    private static void dumpThreads() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("k8s-scale-threads", ".txt");
            java.nio.file.Files.delete(file); // the dump refuses to overwrite
            java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            List<String> lines = java.nio.file.Files.readAllLines(file);
            System.err.println("thread dump (" + lines.size() + " lines, the first 400; all in " + file + "):");
            lines.subList(0, Math.min(400, lines.size())).forEach(System.err::println);
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("no thread dump: " + e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void run() throws Exception {
        Locale.setDefault(Locale.ROOT);
        try (MockCluster cluster = MockCluster.start()) {
            FakeKubelet.Options o = new FakeKubelet.Options();
            o.nodes = nodes;
            o.podsPerNode = 8;
            o.failRate = failRate;
            o.threads = 16;
            FakeKubelet kubelet = new FakeKubelet(cluster.client(), NS, o);
            MountWatcher watcher = new MountWatcher(cluster.client(), NS);
            KubernetesClient api = cluster.client(); // the simulation's own look at the API, not counted
            KubernetesClient firstClient = countingClient(cluster);
            backend.set(newBackend(firstClient, "incarnation-1"));
            firstBackend = backend.get();
            backend.get().recover();
            long start = System.nanoTime();
            runStart = start;
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            List<Future<?>> all = new ArrayList<>();
            Random random = new Random(7);
            long pace = window.toNanos() / agents;
            boolean restarted = false;
            int forced = 0;
            Future<Long> restart = null;
            for (int i = 0; i < agents; i++) {
                long due = start + i * pace;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                int n = i;
                Random r = new Random(random.nextLong());
                all.add(pool.submit(() -> agent(n, start, r)));
                if (!restarted && i == agents / 2) {
                    restarted = true;
                    restart = pool.submit(() -> restart(cluster, firstClient));
                }
                if (forced < forcedDeletions && i > 0 && i % (agents / (forcedDeletions + 1)) == 0) {
                    List<String> running = kubelet.runningPods();
                    if (!running.isEmpty()) {
                        kubelet.forceDelete(running.get(random.nextInt(running.size())));
                        forced++;
                    }
                }
            }
            // Every agent's life is bounded (provision timeout, retries for 3 minutes, hold, termination): one that is
            // still running past this is a hang, reported by name instead of waiting for the script's time limit.
            long bound = window.toSeconds() + (agents <= 200 ? 150 : 480); // within benchmarks/k8s-scale.sh's limit
            long allDone = System.nanoTime() + TimeUnit.SECONDS.toNanos(bound);
            for (int i = 0; i < all.size(); i++) {
                try {
                    all.get(i).get(Math.max(1, allDone - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    long stuck = all.stream().filter(f -> !f.isDone()).count();
                    System.err.println("HANG: " + stuck + " agents still running " + bound
                            + " s after the start (the first is agent " + i + "); ready " + readyAgents.get()
                            + ", failed " + failedAgents.get());
                    dumpThreads();
                    System.exit(3);
                }
            }
            long total = System.nanoTime() - start;
            long restartTook = restart == null ? 0 : restart.get();
            pool.shutdown();
            KubernetesBackend last = backend.get();
            // cross-check after the run: every pod gone, no claim leased. At least one reaper pass, as Jenkins runs one
            // every few minutes: it settles claims leased by agents whose pods went while no controller watched (the
            // killed one's).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<String> reapErrors = new ArrayList<>();
            do {
                reapErrors.clear();
                last.reap(Set.of(), Duration.ZERO).forEach(r -> reapErrors.addAll(r.errors()));
                Thread.sleep(500);
            } while ((!api.pods().inNamespace(NS).list().getItems().isEmpty() || leased(api) > 0)
                    && System.nanoTime() < deadline); // claim releases run in the background: give them time
            int podsLeft = api.pods().inNamespace(NS).list().getItems().size();
            long leasedLeft = leased(api);
            reapErrors.forEach(e -> System.err.println("last reaper pass: " + e));
            api.persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
                    .filter(c -> "leased".equals(c.getMetadata().getAnnotations().get("syscontainer.jenkins.io/state")))
                    .forEach(c -> {
                        String by = c.getMetadata().getAnnotations().get("syscontainer.jenkins.io/leased-by");
                        boolean watched = by != null && last.vanished(Map.of(by, "kubernetes/" + NS)).isEmpty();
                        System.err.println("left leased: " + c.getMetadata().getName() + " by " + by + ": "
                                + endings.getOrDefault(by, "its life did not end") + "; the backend's watch "
                                + (watched ? "still shows a pod of it" : "shows no pod of it") + "; "
                                + c.getMetadata().getAnnotations());
                    });
            long quarantined = api.persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
                    .filter(c -> "quarantined".equals(c.getMetadata().getAnnotations()
                            .get("syscontainer.jenkins.io/state"))).count();
            long claims = api.persistentVolumeClaims().inNamespace(NS).list().getItems().size();
            report(total, restartTook, kubelet, watcher, podsLeft, leasedLeft, quarantined, claims, forced);
            leftovers = podsLeft;
            leasedLeftover = leasedLeft;
            last.close();
            watcher.close();
            kubelet.close();
        }
    }

    /**
     * Kills the controller (its client cut: nothing released) and starts another, which waits out the lease; the
     * nanoseconds until the new one manages again. Provisions meanwhile are told the backend is not ready and retry.
     */
    private long restart(MockCluster cluster, KubernetesClient oldClient) throws Exception {
        long t = System.nanoTime();
        restartAtMs = (t - runStart) / 1_000_000;
        KubernetesBackend old = backend.get();
        KubernetesBackend fresh = newBackend(countingClient(cluster), "incarnation-2");
        cluster.kill(oldClient); // nothing the old controller does reaches the API any more: no release
        backend.set(fresh);
        old.close();
        fresh.recover();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!fresh.hosts().get(0).recovered() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            fresh.recoverPending();
        }
        return System.nanoTime() - t;
    }

    private void report(long totalNanos, long restartNanos, FakeKubelet kubelet, MountWatcher watcher, int podsLeft,
            long leasedLeft, long quarantined, long claims, int forced) {
        List<Long> d = new ArrayList<>(decisions);
        Collections.sort(d);
        double decisionSpan = d.isEmpty() ? 0 : (d.get(d.size() - 1) - d.get(0)) / 1e9;
        List<Long> lat = new ArrayList<>(decisionLatency);
        Collections.sort(lat);
        double p50 = lat.isEmpty() ? 0 : lat.get(lat.size() / 2) / 1e6;
        double p99 = lat.isEmpty() ? 0 : lat.get(Math.min(lat.size() - 1, (int) (lat.size() * 0.99))) / 1e6;
        double perSecond = decisionSpan == 0 ? 0 : d.size() / decisionSpan;
        int doubles = watcher.doubleMounts().size();
        System.out.printf("{\"figure\":\"k8s_scale\",\"nodes\":%d,\"agents\":%d,\"window_s\":%d,\"ready\":%d,"
                + "\"failed\":%d,\"decisions\":%d,\"decisions_per_s\":%.1f,\"create_latency_p50_ms\":%.1f,"
                + "\"create_latency_p99_ms\":%.1f,\"api_writes_per_agent\":%.2f,\"api_reads_per_agent\":%.2f,"
                + "\"conflicts_409\":%d,\"conflict_rate\":%.4f,\"time_to_all_ready_s\":%.1f,\"peak_ready_at_once\":%d,"
                + "\"kubelet_failed_pods\":%d,\"forced_deletions\":%d,\"controller_restart_s\":%.1f,"
                + "\"claims\":%d,\"claims_quarantined\":%d,\"pods_left\":%d,\"claims_leased_left\":%d,"
                + "\"double_mounts\":%d,\"total_s\":%.1f}%n",
                nodes, agents, window.toSeconds(), readyAgents.get(), failedAgents.get(), d.size(), perSecond, p50, p99,
                writes.get() / (double) agents, reads.get() / (double) agents, conflicts.get(),
                writes.get() == 0 ? 0 : conflicts.get() / (double) writes.get(), lastReadyNanos / 1e9, peakLive.get(),
                kubelet.failed.get(), forced, restartNanos / 1e9, claims, quarantined, podsLeft, leasedLeft, doubles,
                totalNanos / 1e9);
        System.out.println("double mounts: " + doubles);
        if (!errors.isEmpty()) {
            System.err.println("agent errors (" + errors.size() + "), first ones: " + errors.subList(0,
                    Math.min(5, errors.size())));
        }
        watcher.doubleMounts().forEach(m -> System.err.println("DOUBLE MOUNT: " + m));
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        KubernetesScale s = new KubernetesScale(quick);
        s.run();
        boolean ok = s.readyAgents.get() + s.failedAgents.get() == s.agents && s.leftovers == 0
                && s.leasedLeftover == 0;
        if (s.leftovers > 0) {
            System.err.println("FAIL: " + s.leftovers + " pods left after the run");
        }
        if (s.leasedLeftover > 0) {
            System.err.println("FAIL: " + s.leasedLeftover + " claims left leased after the run (see above)");
        }
        System.exit(ok ? 0 : 1);
    }
}
