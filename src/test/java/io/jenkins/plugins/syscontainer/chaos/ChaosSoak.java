package io.jenkins.plugins.syscontainer.chaos;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerMount;
import hudson.model.Result;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.docker.DockerClients;
import io.jenkins.plugins.syscontainer.engine.docker.DockerHost;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The chaos soak ({@code benchmarks/chaos.sh} runs it; its name keeps it out of the ordinary test run): for a bounded
 * time, builds run in a loop in a real Jenkins on real Docker and Sysbox while, at random, agent containers are killed,
 * the Docker daemon is restarted and builds are aborted (queued, provisioning or running). Every build must end, and
 * end as its faults say: untouched builds succeed; builds we abort end ABORTED; builds whose agent was killed or whose
 * engine restarted under them end FAILURE or, if the fault came before they started, SUCCESS; nothing ends ABORTED
 * that nobody aborted. An independent watcher polls Docker for a cache volume mounted by two running containers at
 * once. After the run settles: no node, no container, no lease held, no volume beyond the pool's cap. The last line is
 * {@code chaos: builds N, faults N, wrong endings N, leaks N, double mounts N}.
 */
@WithJenkins
public class ChaosSoak {
    static final int SECONDS = Integer.getInteger("chaos.seconds", 120);
    static final long SEED = Long.getLong("chaos.seed", System.nanoTime());

    private final Random random = new Random(SEED);
    private final Map<WorkflowRun, String> faultOf = new ConcurrentHashMap<>();
    private final AtomicInteger doubleMounts = new AtomicInteger();
    private final AtomicBoolean watching = new AtomicBoolean(true);
    private final List<String> wrong = new ArrayList<>();
    /** Agents hit by a fault (killed, or running when dockerd restarted): a build may only take one up afterwards. */
    private final Map<String, String> hitAgents = new ConcurrentHashMap<>();
    private int faults;

    @Test
    @org.junit.jupiter.api.Timeout(value = 20, unit = TimeUnit.MINUTES)
    public void soak(JenkinsRule r) throws Exception {
        JenkinsDocker.require();
        SystemContainerCloud cloud = JenkinsDocker.cloud(r.jenkins);
        AgentTemplate t = cloud.getTemplates().get(0);
        t.setCacheMaxVolumes(3);
        t.setInstanceCap(4);
        String scope = JenkinsDocker.scope(r.jenkins, cloud);
        Thread watcher = new Thread(() -> watch(scope), "double-mount watcher");
        watcher.setDaemon(true);
        watcher.start();
        System.out.println("chaos: seed " + SEED + ", " + SECONDS + " s");
        WorkflowJob job = r.createProject(WorkflowJob.class, "chaos");
        job.setConcurrentBuild(true);
        job.setDefinition(new CpsFlowDefinition("node('docker') {\n"
                + "  sh 'sleep $((RANDOM % 6 + 2)); docker run --rm sca-test/busybox:latest true'\n"
                + "}", true));
        List<WorkflowRun> runs = new ArrayList<>();
        long end = System.currentTimeMillis() + SECONDS * 1000L;
        try {
            while (System.currentTimeMillis() < end) {
                if (runningCount(runs) < 4) {
                    runs.add(job.scheduleBuild2(0, new hudson.model.CauseAction(new hudson.model.Cause.UserIdCause()),
                            new hudson.model.ParametersAction()).waitForStart());
                }
                int dice = random.nextInt(100);
                if (dice < 6) {
                    killAnAgent(scope, runs);
                } else if (dice < 9) {
                    abortABuild(runs);
                } else if (dice < 10 && faults(runs, "dockerd") == 0) {
                    restartDocker(scope, runs);
                }
                Thread.sleep(1500);
            }
            for (WorkflowRun b : runs) {
                long deadline = System.currentTimeMillis() + 300_000;
                while (b.isBuilding() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(500);
                }
                judge(b);
            }
            int leaks = leaks(r, cloud, scope);
            watching.set(false);
            System.out.println("chaos: wrong endings: " + wrong);
            System.out.printf("chaos: builds %d, faults %d, wrong endings %d, leaks %d, double mounts %d%n", runs.size(),
                    faults, wrong.size(), leaks, doubleMounts.get());
            if (!wrong.isEmpty() || leaks > 0 || doubleMounts.get() > 0) {
                throw new AssertionError("chaos found problems (seed " + SEED + ")");
            }
        } finally {
            watching.set(false);
            ensureDockerUp();
            JenkinsDocker.purge(scope);
        }
    }

    private static int runningCount(List<WorkflowRun> runs) {
        return (int) runs.stream().filter(WorkflowRun::isBuilding).count();
    }

    private int faults(List<WorkflowRun> runs, String kind) {
        return (int) faultOf.values().stream().filter(kind::equals).count();
    }

    private void judge(WorkflowRun b) {
        String fault = faultOf.get(b);
        if (fault == null) {
            fault = faultOfItsAgent(b);
        }
        Result res = b.getResult();
        boolean ok;
        if (b.isBuilding()) {
            ok = false;
        } else if ("abort".equals(fault)) {
            ok = res == Result.ABORTED;
        } else if (fault != null) {
            ok = res == Result.FAILURE || res == Result.SUCCESS;
        } else {
            ok = res == Result.SUCCESS;
        }
        if (!ok) {
            wrong.add(b.getDisplayName() + " " + (b.isBuilding() ? "still running" : res) + " after "
                    + (fault == null ? "no fault" : fault));
            printTail(b);
        }
    }

    /**
     * A fault that hit the agent a build ran on although the build's log did not name it yet when it struck: an agent
     * killed (or caught by a dockerd restart) between coming online and the build's "Running on" line, or while the
     * node block read the agent's environment, before that line (the build's log then names the agent only in the
     * failed remote call). Agent names are unique, so a log that names one was on it.
     */
    private String faultOfItsAgent(WorkflowRun b) {
        String log = logOf(b);
        for (Map.Entry<String, String> hit : hitAgents.entrySet()) {
            if (log.contains(hit.getKey())) {
                return hit.getValue() + " (of its agent, before it ran there)";
            }
        }
        return null;
    }

    private static String logOf(WorkflowRun b) {
        try {
            return hudson.console.ConsoleNote.removeNotes(b.getLog());
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /** The end of a wrongly ended build's log, to see why without rerunning the seed. */
    private static void printTail(WorkflowRun b) {
        List<String> lines = logOf(b).lines().toList();
        System.out.println("chaos: the log of " + b.getDisplayName() + " ends:");
        lines.subList(Math.max(0, lines.size() - 30), lines.size())
                .forEach(l -> System.out.println("chaos:   | " + l));
    }

    private void killAnAgent(String scope, List<WorkflowRun> runs) throws IOException {
        List<Container> agents = docker().listContainersCmd().withLabelFilter(Map.of(Labels.CONTROLLER, scope)).exec();
        if (agents.isEmpty()) {
            return;
        }
        Container victim = agents.get(random.nextInt(agents.size()));
        String agent = victim.getLabels().get(Labels.AGENT);
        try {
            docker().killContainerCmd(victim.getId()).exec();
        } catch (RuntimeException e) {
            return; // it ended by itself meanwhile
        }
        faults++;
        hitAgents.put(agent, "kill");
        for (WorkflowRun b : runs) {
            if (b.isBuilding() && b.getLog().contains(agent)) {
                faultOf.putIfAbsent(b, "kill");
            }
        }
        System.out.println("chaos: killed " + agent);
    }

    private void abortABuild(List<WorkflowRun> runs) {
        List<WorkflowRun> live = runs.stream().filter(WorkflowRun::isBuilding).toList();
        if (live.isEmpty()) {
            return;
        }
        WorkflowRun b = live.get(random.nextInt(live.size()));
        faultOf.put(b, "abort");
        faults++;
        b.doStop();
        System.out.println("chaos: aborted " + b.getDisplayName());
    }

    private void restartDocker(String scope, List<WorkflowRun> runs) throws Exception {
        for (WorkflowRun b : runs) {
            if (b.isBuilding()) {
                faultOf.putIfAbsent(b, "dockerd");
            }
        }
        faults++;
        for (Container c : docker().listContainersCmd().withLabelFilter(Map.of(Labels.CONTROLLER, scope)).exec()) {
            hitAgents.putIfAbsent(c.getLabels().get(Labels.AGENT), "dockerd");
        }
        long t = System.nanoTime();
        sh("kill $(cat /var/run/docker.pid); for i in $(seq 100); do [ -e /var/run/docker.pid ] || break; sleep 0.2; done");
        ensureDockerUp();
        System.out.println("chaos: restarted dockerd in " + (System.nanoTime() - t) / 1_000_000 + " ms");
    }

    /** Starts dockerd again if it is not running (as .ci/start-docker.sh does), and waits until it answers. */
    private static void ensureDockerUp() throws Exception {
        sh("docker info >/dev/null 2>&1 || { nohup dockerd >>/var/log/ci-dockerd.log 2>&1 & "
                + "for i in $(seq 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done; }");
    }

    private static void sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).inheritIO().start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + script);
        }
    }

    private DockerClient docker;

    private synchronized DockerClient docker() {
        if (docker == null) {
            docker = DockerClients.api(DockerHost.local());
        }
        return docker;
    }

    /** Polls Docker, independently of the plugin's own bookkeeping, for a volume mounted by two running containers. */
    private void watch(String scope) {
        DockerClient d = DockerClients.api(DockerHost.local());
        while (watching.get()) {
            try {
                Map<String, Set<String>> users = new HashMap<>();
                for (Container c : d.listContainersCmd().withLabelFilter(Map.of(Labels.CONTROLLER, scope)).exec()) {
                    for (ContainerMount m : c.getMounts() == null ? List.<ContainerMount>of() : c.getMounts()) {
                        if (m.getName() != null) {
                            users.computeIfAbsent(m.getName(), k -> new HashSet<>()).add(c.getId());
                        }
                    }
                }
                users.forEach((v, cs) -> {
                    if (cs.size() > 1) {
                        doubleMounts.incrementAndGet();
                        System.out.println("chaos: DOUBLE MOUNT of " + v + " by " + cs);
                    }
                });
                Thread.sleep(500);
            } catch (RuntimeException e) {
                sleepQuietly(); // Docker restarting
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One reaper pass, as Jenkins runs every 5 minutes (the settling here lasts at most 3): it tries again what
     * removals left while dockerd restarted. Its grace period (10 minutes) still protects everything else.
     */
    private static boolean reaperPass(SystemContainerCloud cloud) throws InterruptedException {
        System.out.println("chaos: reaper pass: " + io.jenkins.plugins.syscontainer.cleanup.ReaperWork.reap(cloud,
                io.jenkins.plugins.syscontainer.cleanup.ReaperWork.liveAgents()).summary());
        return true;
    }

    /** Nodes, containers, held leases and volumes beyond the cap, once everything settled (bounded wait). */
    private int leaks(JenkinsRule r, SystemContainerCloud cloud, String scope) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        boolean reaped = false;
        while (System.currentTimeMillis() < deadline
                && (!r.jenkins.getNodes().isEmpty() || !JenkinsDocker.containers(scope).isEmpty())) {
            if (!reaped && r.jenkins.getNodes().isEmpty()) {
                reaped = reaperPass(cloud);
            }
            Thread.sleep(1000);
        }
        if (!reaped) {
            reaperPass(cloud);
        }
        int leaks = r.jenkins.getNodes().size() + JenkinsDocker.containers(scope).size();
        long leased = cloud.engine().caches().stream().flatMap(s -> s.volumes().stream())
                .filter(v -> v.state().equals("leased")).count();
        long volumes = JenkinsDocker.volumes(scope).stream().filter(v -> v.startsWith("sca-cache-")).count();
        long temp = JenkinsDocker.volumes(scope).stream().filter(v -> v.startsWith("sca-tmp-")).count();
        System.out.printf("chaos: left nodes %d, containers %d, leased %d, cache volumes %d (cap 3), throw-away volumes %d%n",
                r.jenkins.getNodes().size(), JenkinsDocker.containers(scope).size(), leased, volumes, temp);
        r.jenkins.getNodes().forEach(n -> System.out.println("chaos: left node " + n.getNodeName()));
        JenkinsDocker.containers(scope).forEach(c -> System.out.println("chaos: left container of "
                + c.getLabels().get(Labels.AGENT) + " " + c.getState() + " " + c.getStatus()));
        JenkinsDocker.volumes(scope).stream().filter(v -> v.startsWith("sca-tmp-"))
                .forEach(v -> System.out.println("chaos: left throw-away volume " + v));
        return leaks + (int) leased + (int) Math.max(0, volumes - 3) + (int) temp;
    }
}
