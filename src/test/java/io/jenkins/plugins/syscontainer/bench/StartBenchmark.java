package io.jenkins.plugins.syscontainer.bench;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Result;
import hudson.tasks.Shell;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The Jenkins-side start benchmark ({@code benchmarks/start.sh} runs it beside the bare floors; its name keeps it out
 * of the ordinary test run): in a real Jenkins on the local Docker with real Sysbox, the time from "Build Now" (a
 * freestyle build entering the queue) to the first line of its first shell step, printed by the agent with the
 * machine's clock. Three set-ups side by side in one run: (a) a standby pool, (b) no pool, warm cache volumes, (c) no
 * pool, a new volume for every agent; each for builds one after the other (the next one arriving once the pool, or
 * the previous agent's removal, is done: builds slower than the pool refills) and for builds queued at once. Also the
 * controller's CPU seconds (this JVM) and the machine's (from /proc/stat) per build. Prints one JSON line per figure.
 */
@WithJenkins
public class StartBenchmark {
    static final int SEQUENTIAL = Integer.getInteger("start.sequential", 20);
    static final int BURST = Integer.getInteger("start.burst", 10);
    static final int POOL = Integer.getInteger("start.pool", 2);
    /** Which set-ups to measure (default all): warm, warmserial, cold, standby, jenkins. */
    static final java.util.Set<String> SETUPS = java.util.Set.of(System.getProperty("start.setups",
            "warm,warmserial,cold,standby,jenkins").split(","));
    private static final String EARLY = "io.jenkins.plugins.syscontainer.agent.AttachLauncher.startEarly";
    private static final Pattern FIRST = Pattern.compile("FIRST_LINE_AT=(\\d{13})");

    private JenkinsRule r;
    private SystemContainerCloud cloud;
    private int jobs;

    @Test
    @org.junit.jupiter.api.Timeout(value = 40, unit = TimeUnit.MINUTES)
    public void startTimes(JenkinsRule rule) throws Exception {
        JenkinsDocker.require();
        r = rule;
        r.jenkins.setQuietPeriod(0);
        r.jenkins.setNumExecutors(0);
        cloud = JenkinsDocker.cloud(r.jenkins);
        String scope = JenkinsDocker.scope(r.jenkins, cloud);
        try {
            AgentTemplate t = cloud.getTemplates().get(0);
            t.setPreloadImages(""); // the floors start bare containers: nothing loaded into new volumes here either
            t.setCacheMaxVolumes(BURST + POOL);
            t.setInstanceCap(BURST + POOL);
            System.out.println("start: warming " + BURST + " cache volumes");
            burst("warmup", BURST); // every later warm agent finds a volume that has run an agent

            // (b) no pool, warm volumes; beside it the same with the agent JVM started only after the inner Docker
            // (as before this release), to show what starting the two together saves
            if (SETUPS.contains("warm")) {
                measure("warm", t, 0, "docker");
            }
            if (SETUPS.contains("warmserial")) {
                System.setProperty(EARLY, "false");
                try {
                    measureSequential("warmserial", t, 0, "docker");
                } finally {
                    System.clearProperty(EARLY);
                }
            }
            if (SETUPS.contains("cold")) { // (c) no pool, a new volume each time
                t.setCacheKey(AgentTemplate.NO_CACHE);
                measure("cold", t, 0, "docker");
                t.setCacheKey("");
            }
            if (SETUPS.contains("standby")) { // (a) the standby pool, on the warm volumes
                measure("standby", t, POOL, "docker");
            }
            t.setStandbyAgents(0);
            r.jenkins.save();
            await(() -> SystemContainerAgent.all(cloud.getCloudId()).isEmpty(), 120, "the pool emptied");
            if (SETUPS.contains("jenkins")) {
                measureJenkinsAlone();
            }
        } finally {
            JenkinsDocker.purge(scope);
        }
    }

    private void measure(String setup, AgentTemplate t, int pool, String label) throws Exception {
        measureSequential(setup, t, pool, label);
        Cpu cpu = Cpu.now();
        List<Timing> burst = burst(setup + "-burst", BURST);
        awaitSettled(pool);
        print(setup, "burst" + BURST, burst, cpu.since(BURST));
    }

    private void measureSequential(String setup, AgentTemplate t, int pool, String label) throws Exception {
        t.setStandbyAgents(pool);
        r.jenkins.save();
        awaitSettled(pool);
        Cpu cpu = Cpu.now();
        List<Timing> seq = new ArrayList<>();
        for (int i = 0; i < SEQUENTIAL; i++) {
            seq.add(firstLineMs(schedule(setup + "-seq-" + i, label)));
            awaitSettled(pool); // the next build arrives once the pool is full again (or the agent is gone)
        }
        print(setup, "sequential", seq, cpu.since(SEQUENTIAL));
    }

    /**
     * Jenkins' own share of a start, with no container and no plugin of ours on the path: the same build on a plain
     * agent JVM of this machine, connected and idle. Fresh for every build (what a standby agent is, without Docker),
     * and one agent that has run a build before (its classes loaded: what no one-shot agent can be).
     */
    private void measureJenkinsAlone() throws Exception {
        Cpu cpu = Cpu.now();
        List<Timing> fresh = new ArrayList<>();
        for (int i = 0; i < SEQUENTIAL; i++) {
            hudson.model.Slave s = r.createOnlineSlave(Label.get("plain-" + i));
            fresh.add(firstLineMs(schedule("plain-fresh-" + i, "plain-" + i)));
            r.jenkins.removeNode(s);
        }
        print("jenkins_fresh_agent", "sequential", fresh, cpu.since(SEQUENTIAL));
        hudson.model.Slave used = r.createOnlineSlave(Label.get("plain-used"));
        firstLineMs(schedule("plain-used-first", "plain-used"));
        cpu = Cpu.now();
        List<Timing> again = new ArrayList<>();
        for (int i = 0; i < SEQUENTIAL; i++) {
            again.add(firstLineMs(schedule("plain-used-" + i, "plain-used")));
        }
        print("jenkins_used_agent", "sequential", again, cpu.since(SEQUENTIAL));
        r.jenkins.removeNode(used);
    }

    /** Schedules {@code n} builds at once and returns each one's times. */
    private List<Timing> burst(String name, int n) throws Exception {
        List<Pending> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(schedule(name + "-" + i, "docker"));
        }
        List<Timing> out = new ArrayList<>();
        for (Pending p : all) {
            out.add(firstLineMs(p));
        }
        return out;
    }

    /**
     * One build's times from entering the queue: to its first shell line, and to its start (leaving the queue for an
     * executor), so that the queue's share and the build's own share of the wait can be told apart.
     */
    private record Timing(long firstLineMs, long startMs) {
    }

    private record Pending(long queuedAt, java.util.concurrent.Future<FreeStyleBuild> build) {
    }

    private Pending schedule(String name, String label) throws Exception {
        FreeStyleProject p = r.createFreeStyleProject("start-" + (jobs++) + "-" + name);
        p.setAssignedLabel(Label.get(label));
        p.getBuildersList().add(new Shell("echo FIRST_LINE_AT=$(date +%s%3N)"));
        long at = System.currentTimeMillis();
        return new Pending(at, p.scheduleBuild2(0));
    }

    private Timing firstLineMs(Pending p) throws Exception {
        FreeStyleBuild b = p.build().get(5, TimeUnit.MINUTES);
        if (b.getResult() != Result.SUCCESS) {
            throw new AssertionError(b + " ended " + b.getResult() + ":\n" + b.getLog());
        }
        Matcher m = FIRST.matcher(b.getLog());
        if (!m.find()) {
            throw new AssertionError("no first line in " + b + ":\n" + b.getLog());
        }
        return new Timing(Long.parseLong(m.group(1)) - p.queuedAt(), b.getStartTimeInMillis() - p.queuedAt());
    }

    /** No agent but the pool's, and the pool full, idle and warmed up (a build arriving slower than the pool refills). */
    private void awaitSettled(int pool) throws InterruptedException {
        await(() -> {
            List<SystemContainerAgent> all = SystemContainerAgent.all(cloud.getCloudId());
            long ready = all.stream().filter(a -> a.isInStandbyPool()
                    && a.toComputer() instanceof io.jenkins.plugins.syscontainer.agent.SystemContainerComputer c
                    && c.isOnline() && c.isIdle() && c.isWarmedUp()).count();
            return all.size() == pool && ready == pool;
        }, 180, "the pool full (" + pool + ") and no other agent");
    }

    private static void await(BooleanSupplier c, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static void print(String setup, String pattern, List<Timing> times, double[] cpuPerBuild) {
        long[] s = times.stream().mapToLong(Timing::firstLineMs).sorted().toArray();
        long[] start = times.stream().mapToLong(Timing::startMs).sorted().toArray();
        long[] build = times.stream().mapToLong(t -> t.firstLineMs() - t.startMs()).sorted().toArray();
        System.out.printf(Locale.ROOT, "{\"figure\":\"start_%s_%s\",\"builds\":%d,\"p50_ms\":%d,\"p90_ms\":%d,\"min_ms\":%d,"
                + "\"max_ms\":%d,\"queue_to_start_p50_ms\":%d,\"start_to_first_line_p50_ms\":%d,"
                + "\"controller_cpu_s_per_build\":%.2f,\"machine_cpu_s_per_build\":%.2f,\"all_ms\":%s}%n",
                setup, pattern, s.length, pct(s, 50), pct(s, 90), s[0], s[s.length - 1], pct(start, 50), pct(build, 50),
                cpuPerBuild[0], cpuPerBuild[1], Arrays.toString(s).replace(" ", ""));
    }

    static long pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** CPU seconds: this JVM's (the controller) and the machine's (all cores, from /proc/stat), since a start. */
    private record Cpu(long jvmNanos, long machineTicks) {
        static Cpu now() throws java.io.IOException {
            return new Cpu(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime(), readMachineTicks());
        }

        static long readMachineTicks() throws java.io.IOException {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length; i++) {
                if (i != 4 && i != 5) { // not idle, not iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy;
        }

        double[] since(int builds) throws java.io.IOException {
            Cpu now = now();
            return new double[] {(now.jvmNanos - jvmNanos) / 1e9 / builds, (now.machineTicks - machineTicks) / 100.0 / builds};
        }
    }
}
