package io.jenkins.plugins.syscontainer.bench;

import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.AgentStream;
import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.cache.CacheLedger;
import io.jenkins.plugins.syscontainer.engine.docker.ContainerExec;
import io.jenkins.plugins.syscontainer.engine.docker.DockerAgent;
import io.jenkins.plugins.syscontainer.engine.docker.DockerBackend;
import io.jenkins.plugins.syscontainer.engine.docker.DockerHost;
import io.jenkins.plugins.syscontainer.engine.docker.ImageTransfer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * End-to-end figures against the real Docker engine, measured side by side in one run: the bare floor, the engine cold
 * and warm, attach, teardown, concurrency and the cache effect on a first inner build. One JSON line per figure, then a
 * summary line with the ratios. Usage: EndToEndBenchmark [--quick] [--sample DIR]
 */
public final class EndToEndBenchmark {
    static final String IMAGE = System.getenv().getOrDefault("SCA_AGENT_IMAGE", "system-container-agent:latest");
    static final String TINY = System.getenv().getOrDefault("SCA_TINY_IMAGE", "sca-test/busybox:latest");
    static final Duration T = Duration.ofSeconds(120);

    private final int reps;
    private final Path sample;
    private final Floor floor = new Floor();
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final DockerBackend engine;
    /** Agents are named by this counter; several threads provision at once (concurrency runs). */
    private final java.util.concurrent.atomic.AtomicInteger seq = new java.util.concurrent.atomic.AtomicInteger();

    EndToEndBenchmark(int reps, Path sample) {
        this.reps = reps;
        this.sample = sample;
        engine = new DockerBackend("bench-" + run, List.of(DockerHost.local().withMaxAgents(12)),
                SecurityPolicy.defaultPolicy(), CacheLedger.inMemory(), Clock.systemUTC(), null);
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path sample = Path.of("benchmarks/sample");
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--sample")) {
                sample = Path.of(args[i + 1]);
            }
        }
        EndToEndBenchmark b = new EndToEndBenchmark(quick ? 3 : 10, sample);
        try {
            b.runAll(quick);
        } finally {
            try {
                b.cleanup();
            } catch (Exception e) {
                System.err.println("cleanup failed: " + e);
            }
        }
    }

    private SystemContainerSpec spec() {
        return SystemContainerSpec.builder(IMAGE).memoryBytes(1L << 30).build();
    }

    private ProvisionRequest request(String key, CacheSettings cache) {
        return new ProvisionRequest(new AgentIdentity(engine.controllerId(), "bench", "bench", "bench-" + run + "-" + seq.incrementAndGet()),
                spec(), key, cache, T);
    }

    private static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    void runAll(boolean quick) throws Exception {
        // Warm state for both sides: a volume that has run an agent and holds the tiny image.
        String floorWarm = "bench-floor-warm-" + run;
        floor.createVolume(floorWarm);
        String warmup = floor.start(IMAGE, floorWarm, "bench-floor-prep-" + run);
        loadTiny(warmup);
        floor.remove(warmup);
        DockerAgent prep = engine.provision(request("bench-warm-" + run, CacheSettings.DEFAULTS), ProvisioningEvent.Listener.NONE);
        loadTiny(prep.containerId());
        engine.terminate(prep, false, ProvisioningEvent.Listener.NONE);

        Stats floorCold = new Stats("floor_cold");
        Stats floorWarmS = new Stats("floor_warm");
        Stats engCold = new Stats("engine_cold");
        Stats engWarm = new Stats("engine_warm");
        Stats attach = new Stats("attach");
        Stats teardown = new Stats("teardown");
        for (int i = 0; i < reps; i++) { // interleaved, so drift hits every figure alike
            String v = "bench-floor-cold-" + run + "-" + i;
            floor.createVolume(v);
            long t = System.nanoTime();
            String id = floor.start(IMAGE, v, "bench-floor-c-" + run + "-" + i);
            floorCold.add(ms(t));
            floor.remove(id);
            floor.removeVolume(v);

            t = System.nanoTime();
            id = floor.start(IMAGE, floorWarm, "bench-floor-w-" + run + "-" + i);
            floorWarmS.add(ms(t));
            floor.remove(id);

            t = System.nanoTime();
            DockerAgent cold = engine.provision(request("bench-cold-" + run + "-" + i, CacheSettings.DEFAULTS),
                    ProvisioningEvent.Listener.NONE);
            engCold.add(ms(t));
            engine.terminate(cold, false, ProvisioningEvent.Listener.NONE);

            t = System.nanoTime();
            DockerAgent warm = engine.provision(request("bench-warm-" + run, CacheSettings.DEFAULTS), ProvisioningEvent.Listener.NONE);
            engWarm.add(ms(t));
            t = System.nanoTime();
            roundTrip(warm);
            attach.add(ms(t));
            t = System.nanoTime();
            engine.terminate(warm, false, ProvisioningEvent.Listener.NONE);
            teardown.add(ms(t));
        }
        floor.removeVolume(floorWarm);
        for (Stats s : List.of(floorCold, floorWarmS, engCold, engWarm, attach, teardown)) {
            System.out.println(s.json(null));
        }

        double[] conc10 = null;
        for (int n : quick ? new int[] {1, 5, 10} : new int[] {1, 5, 10}) {
            double[] f = concurrent(n, true);
            double[] e = concurrent(n, false);
            if (n == 10) {
                conc10 = new double[] {f[0], e[0], e[2] / n};
            }
        }

        double[] build = cacheEffect(quick ? 2 : 5);
        System.out.printf(Locale.ROOT, "{\"summary\":true,\"engine_warm/floor\":%.3f,\"engine_cold/floor\":%.3f,"
                        + "\"concurrency10/floor10\":%.3f,\"cold_build/warm_build\":%.2f,\"cpu_per_agent\":%.2f,"
                        + "\"teardown_median_ms\":%.0f}%n",
                engWarm.median() / floorWarmS.median(), engCold.median() / floorCold.median(), conc10[1] / conc10[0],
                build[0] / build[1], conc10[2], teardown.median());
    }

    /** n agents started at once; prints wall time, per-agent p90 and CPU seconds; returns {wall, p90, cpu}. */
    private double[] concurrent(int n, boolean bare) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "bench-concurrency");
            t.setDaemon(true); // a failed run must not keep the JVM alive
            return t;
        });
        Stats per = new Stats((bare ? "floor" : "engine") + "_concurrency" + n + "_per_agent");
        List<Future<Object>> started = new ArrayList<>();
        long cpu0 = CpuMeter.ticks();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            int k = i;
            Callable<Object> job = () -> {
                long t = System.nanoTime();
                Object h;
                if (bare) {
                    String v = "bench-conc-" + run + "-" + n + "-" + k;
                    floor.createVolume(v);
                    h = new String[] {floor.start(IMAGE, v, "bench-conc-" + run + "-" + n + "-" + k), v};
                } else {
                    h = engine.provision(request(null, null), ProvisioningEvent.Listener.NONE);
                }
                synchronized (per) {
                    per.add(ms(t));
                }
                return h;
            };
            started.add(pool.submit(job));
        }
        List<Object> handles = new ArrayList<>();
        try {
            for (Future<Object> f : started) {
                handles.add(f.get(T.toSeconds() * 2, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        double wall = ms(t0);
        double cpu = CpuMeter.seconds(cpu0, CpuMeter.ticks());
        for (Object h : handles) {
            if (h instanceof String[] s) {
                floor.remove(s[0]);
                floor.removeVolume(s[1]);
            } else {
                engine.terminate((DockerAgent) h, false, ProvisioningEvent.Listener.NONE);
            }
        }
        pool.shutdown();
        System.out.println(per.json(String.format(Locale.ROOT, "\"agents\":%d,\"wall_ms\":%.1f,\"cpu_s\":%.2f,\"failures\":0",
                n, wall, cpu)));
        return new double[] {wall, per.p90(), cpu};
    }

    /** First inner docker build (and run of a preloaded image) on a new cache volume versus a reused one. */
    private double[] cacheEffect(int rounds) throws Exception {
        Stats coldBuild = new Stats("first_build_cold");
        Stats warmBuild = new Stats("first_build_warm");
        Stats coldRun = new Stats("first_run_preloaded_cold");
        Stats warmRun = new Stats("first_run_preloaded_warm");
        CacheSettings preload = CacheSettings.DEFAULTS.withPreload(List.of(TINY));
        for (int i = 0; i < rounds; i++) {
            String key = "bench-build-" + run + "-" + i;
            for (boolean warm : new boolean[] {false, true}) {
                DockerAgent a = engine.provision(request(key, preload), ProvisioningEvent.Listener.NONE);
                ContainerExec exec = new ContainerExec(engine.managedHosts().get(0).api());
                long t = System.nanoTime();
                check(exec.run(a.containerId(), List.of("docker", "run", "--rm", TINY, "true"), T));
                (warm ? warmRun : coldRun).add(ms(t));
                for (String f : List.of("Dockerfile", "app.txt")) {
                    exec.putFile(a.containerId(), "/home/jenkins/sample/" + f, Files.readAllBytes(sample.resolve(f)), "0644", null, T);
                }
                t = System.nanoTime();
                check(exec.run(a.containerId(), List.of("docker", "build", "-q", "-t", "sample", "/home/jenkins/sample"), T));
                (warm ? warmBuild : coldBuild).add(ms(t));
                engine.terminate(a, false, ProvisioningEvent.Listener.NONE);
            }
        }
        for (Stats s : List.of(coldRun, warmRun, coldBuild, warmBuild)) {
            System.out.println(s.json(null));
        }
        return new double[] {coldBuild.median(), warmBuild.median()};
    }

    private void roundTrip(DockerAgent a) throws Exception {
        byte[] msg = "ping\n".getBytes(StandardCharsets.US_ASCII);
        try (AgentStream s = a.channel().open(List.of("head", "-c", "5"), null, b -> { })) {
            OutputStream in = s.stdin();
            in.write(msg);
            in.flush();
            InputStream out = s.stdout();
            byte[] got = out.readNBytes(5);
            if (!java.util.Arrays.equals(msg, got)) {
                throw new IllegalStateException("exec channel returned " + new String(got, StandardCharsets.US_ASCII));
            }
        }
    }

    private void loadTiny(String containerId) throws Exception {
        check(ImageTransfer.copyFromHost(floor.docker, containerId, TINY, T));
    }

    private static void check(ExecResult r) {
        if (!r.ok()) {
            throw new IllegalStateException("exec failed: " + r);
        }
    }

    /** Removes whatever this run made, whether it ended well or not: the engine's objects and the floor's. */
    private void cleanup() throws Exception {
        for (var r : engine.discardAll()) {
            if (!r.errors().isEmpty()) {
                System.err.println("cleanup: " + r.toJson());
            }
        }
        floor.removeAll(run);
        engine.close();
    }
}
