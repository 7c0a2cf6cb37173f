package io.jenkins.plugins.syscontainer.bench;

import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeLease;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeProvider;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeStore;
import io.jenkins.plugins.syscontainer.engine.docker.DockerHost;
import io.jenkins.plugins.syscontainer.engine.docker.HostScheduler;
import io.jenkins.plugins.syscontainer.engine.docker.ManagedHost;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The controller-side decision for one queue item, as it runs inside Jenkins' provisioning loop: policy check of the
 * template's spec, host choice with cache affinity, and the cap computed from live reservations. 1,000 queued items
 * over 10 hosts and 20 templates; no Docker call is on this path (the hosts point at unreachable addresses, so one
 * would fail loudly).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecisionBenchmark {
    static final int HOSTS = 10;
    static final int TEMPLATES = 20;
    static final int QUEUE = 1000;
    static final int GLOBAL_CAP = 60;

    private List<ManagedHost> hosts;
    private SystemContainerSpec[] specs;
    private String[] cacheKeys;
    private int[] queue;
    private HostScheduler scheduler;
    private final SecurityPolicy policy = SecurityPolicy.defaultPolicy();
    private int next;

    @Setup
    public void setUp() {
        Random r = new Random(42);
        hosts = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            ManagedHost h = new ManagedHost(DockerHost.of("host-" + i, URI.create("tcp://192.0.2." + (i + 1) + ":2376"), null)
                    .withMaxAgents(8), Clock.systemUTC());
            for (int a = 0; a < r.nextInt(8); a++) {
                h.tryReserve("busy-" + i + "-" + a);
            }
            if (i == 3) {
                h.health().markFailure("unreachable");
            }
            hosts.add(h);
        }
        specs = new SystemContainerSpec[TEMPLATES];
        cacheKeys = new String[TEMPLATES];
        for (int t = 0; t < TEMPLATES; t++) {
            specs[t] = SystemContainerSpec.builder("registry.example.com/agents/t" + t + ":1." + t)
                    .env("TEMPLATE", "t" + t).label("team", "t" + (t % 4)).memoryBytes((2L + t % 3) << 30).build();
            cacheKeys[t] = "tpl-" + t;
        }
        queue = new int[QUEUE];
        for (int q = 0; q < QUEUE; q++) {
            queue[q] = r.nextInt(TEMPLATES);
        }
        int[][] idle = new int[HOSTS][TEMPLATES];
        for (int[] row : idle) {
            for (int t = 0; t < TEMPLATES; t++) {
                row[t] = r.nextInt(3) == 0 ? 1 : 0;
            }
        }
        scheduler = new HostScheduler(new VolumeProvider() {
            @Override
            public VolumeLease lease(VolumeStore host, ProvisionRequest req, boolean forceFresh) {
                throw new IllegalStateException("no lease on the decision path");
            }

            @Override
            public int idleVolumes(String hostName, String cacheKey) {
                return idle[Integer.parseInt(hostName.substring(5))][Integer.parseInt(cacheKey.substring(4))];
            }
        });
    }

    /** One queue item: is the spec allowed, is there room under the global cap, and which host first. */
    @Benchmark
    public Object decideOneQueueItem() {
        int t = queue[next++ % QUEUE];
        if (!policy.check(specs[t]).isEmpty()) {
            return null;
        }
        int live = 0;
        for (ManagedHost h : hosts) {
            live += h.activeAgents();
        }
        if (live >= GLOBAL_CAP) {
            return Boolean.FALSE;
        }
        return scheduler.plan(hosts, cacheKeys[t]).candidates();
    }

    /** The identity check the adapter does per planned node (naming). */
    @Benchmark
    public Object nameOneAgent() {
        return new AgentIdentity("0123456789abcdef0123456789abcdef", "cloud", "tpl", "sca-tpl-" + (next++ & 0xffff));
    }
}
