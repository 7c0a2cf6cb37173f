package io.jenkins.plugins.syscontainer;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.slaves.Cloud;
import io.jenkins.plugins.syscontainer.engine.CacheEvictor;
import io.jenkins.plugins.syscontainer.engine.ManagedHost;
import io.jenkins.plugins.syscontainer.engine.Reaper;
import io.jenkins.plugins.syscontainer.engine.SystemContainerEngine;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.model.Jenkins;

/**
 * Every few minutes, for each system container cloud: removes this controller's containers whose agent no longer
 * exists (after the cloud's grace period), terminates agents whose container exited or vanished, and keeps each
 * host's cache volumes within its size budget; then cleans up after clouds that were deleted ({@link CloudCleanup}).
 */
@Extension
public class ReaperWork extends AsyncPeriodicWork {
    static final long PERIOD_MS = Long.getLong(ReaperWork.class.getName() + ".periodMinutes", 5) * 60_000L;

    public ReaperWork() {
        super("System container reaper");
    }

    @Override
    public long getRecurrencePeriod() {
        return PERIOD_MS;
    }

    @Override
    protected void execute(TaskListener listener) throws IOException, InterruptedException {
        Set<String> live = liveAgents();
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud cloud) {
                reap(cloud, live, listener);
            }
        }
        CloudCleanup.sweep();
    }

    /** The agent names the reaper must not touch: Jenkins' nodes, agents being provisioned, agents being terminated. */
    static Set<String> liveAgents() {
        Set<String> live = new HashSet<>(AgentFactory.inFlightAgents());
        live.addAll(SystemContainerAgent.TERMINATIONS);
        for (Node n : Jenkins.get().getNodes()) {
            live.add(n.getNodeName());
        }
        return live;
    }

    /** The evictor of a cloud's engine, with each host's size budget. */
    static CacheEvictor evictor(SystemContainerCloud cloud, SystemContainerEngine engine) {
        Map<String, Long> budgets = new HashMap<>();
        for (DockerHostEntry h : cloud.getHosts()) {
            budgets.put(h.getName(), (long) h.getCacheBudgetGb() << 30);
        }
        return new CacheEvictor(engine.caches(), Duration.ofMinutes(15), budgets, 100L << 30);
    }

    /** One reaper pass over one cloud: leftovers removed, exited agents terminated, caches kept within budget. */
    static void reap(SystemContainerCloud cloud, Set<String> live, TaskListener listener) throws InterruptedException {
        SystemContainerEngine engine;
        try {
            engine = cloud.engine();
        } catch (RuntimeException e) {
            listener.getLogger().println("cloud " + cloud.name + ": " + e.getMessage());
            return;
        }
        for (Reaper.Report r : engine.reap(live, Duration.ofMinutes(cloud.getReaperGraceMinutes()))) {
            listener.getLogger().println("cloud " + cloud.name + ": " + r.toJson());
            for (String exited : r.exited()) {
                terminateExited(exited.split(" ", 2)[0], listener);
            }
        }
        CacheEvictor evictor = evictor(cloud, engine);
        for (ManagedHost h : engine.hosts()) {
            if (!h.health().isAvailable()) {
                continue;
            }
            try {
                List<String> evicted = evictor.maintain(h);
                if (!evicted.isEmpty()) {
                    listener.getLogger().println("cloud " + cloud.name + ", host " + h.name() + ": evicted " + evicted);
                }
            } catch (IOException | RuntimeException e) {
                listener.getLogger().println("cloud " + cloud.name + ", host " + h.name() + ": cache maintenance failed: " + e);
            }
        }
    }

    private static void terminateExited(String agentName, TaskListener listener) throws InterruptedException {
        if (Jenkins.get().getNode(agentName) instanceof SystemContainerAgent a) {
            if (a.toComputer() instanceof SystemContainerComputer sc) {
                sc.markAbnormal();
            }
            try {
                a.terminate();
                listener.getLogger().println("terminated " + agentName + ": its container had exited");
            } catch (IOException e) {
                listener.getLogger().println("terminating " + agentName + " failed: " + e);
            }
        }
    }
}
