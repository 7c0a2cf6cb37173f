package io.jenkins.plugins.syscontainer.cleanup;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.slaves.Cloud;
import io.jenkins.plugins.syscontainer.PipelineTemplates;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.agent.AgentEngines;
import io.jenkins.plugins.syscontainer.agent.LostAgents;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.ReapReport;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.model.Jenkins;
import jenkins.util.SystemProperties;

/**
 * Every few minutes, for each system container cloud: removes this controller's containers whose agent no longer
 * exists (after the cloud's grace period), fails and removes agents whose container exited or vanished, and keeps
 * each host's cache volumes within its size budget; then forgets pipeline templates of runs that are over, and cleans
 * up after clouds that were deleted ({@link CloudCleanup}).
 */
@Extension
public class ReaperWork extends AsyncPeriodicWork {
    static final long PERIOD_MS = SystemProperties.getLong(ReaperWork.class.getName() + ".periodMinutes", 5L) * 60_000L;
    static final long DEFAULT_BUDGET = 100L << 30;

    public ReaperWork() {
        super("System container reaper");
    }

    @Override
    public long getRecurrencePeriod() {
        return PERIOD_MS;
    }

    @Override
    protected void execute(TaskListener listener) throws InterruptedException {
        Set<String> live = liveAgents();
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud cloud) {
                for (String line : reap(cloud, live).lines()) {
                    listener.getLogger().println(line);
                }
            }
        }
        int pruned = PipelineTemplates.get().prune();
        if (pruned > 0) {
            listener.getLogger().println("forgot " + pruned + " pipeline template(s) of runs that are over");
        }
        CloudCleanup.get().sweep();
    }

    /** The agent names the reaper must not touch: Jenkins' nodes, agents being provisioned, agents being terminated. */
    public static Set<String> liveAgents() {
        Set<String> live = new HashSet<>(AgentEngines.get().terminatingAgents());
        CloudEngines engines = CloudEngines.get();
        for (String id : engines.cloudIds()) {
            live.addAll(engines.activity(id).inFlightAgents());
        }
        for (Node n : Jenkins.get().getNodes()) {
            live.add(n.getNodeName());
        }
        return live;
    }

    /** What one pass over one cloud did, a line per finding. */
    public record Pass(List<String> lines) {
        public String summary() {
            return lines.isEmpty() ? "nothing to do" : String.join("; ", lines);
        }
    }

    /**
     * One reaper pass over one cloud: leftovers removed, agents whose container exited or vanished failed and removed,
     * caches kept within budget. May wait for the cloud's engine: runs on the reaper's thread or a pool thread.
     */
    public static Pass reap(SystemContainerCloud cloud, Set<String> live) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        AgentBackend engine;
        try {
            engine = cloud.engine();
        } catch (RuntimeException e) {
            lines.add("cloud " + cloud.name + ": " + e.getMessage());
            return new Pass(lines);
        }
        for (ReapReport r : engine.reap(live, Duration.ofMinutes(cloud.getReaperGraceMinutes()))) {
            String did = r.text();
            if (!did.isEmpty()) {
                lines.add("cloud " + cloud.name + ", " + did);
            }
            for (String exited : r.exited()) {
                lost(exited.split(" ", 2)[0], null, lines);
            }
        }
        Map<String, String> hostByAgent = new HashMap<>();
        for (SystemContainerAgent a : SystemContainerAgent.all(cloud.getCloudId())) {
            hostByAgent.put(a.getNodeName(), a.getHostName());
        }
        for (String gone : engine.vanished(hostByAgent)) {
            if (Jenkins.get().getNode(gone) instanceof SystemContainerAgent a) {
                lost(gone, a.vanishedReason(), lines); // the same words as when the agent's channel finds it gone
            }
        }
        for (AgentBackend.CacheMaintenance m : engine.maintainCaches(cloud.cacheBudgets(), DEFAULT_BUDGET)) {
            if (m.error() != null) {
                lines.add("cloud " + cloud.name + ", host " + m.place() + ": cache maintenance failed: " + m.error());
            } else if (!m.evicted().isEmpty()) {
                lines.add("cloud " + cloud.name + ", host " + m.place() + ": evicted " + m.evicted());
            }
        }
        return new Pass(lines);
    }

    private static void lost(String agentName, String reason, List<String> lines) {
        if (Jenkins.get().getNode(agentName) instanceof SystemContainerAgent a) {
            String why = reason != null ? reason : a.endReason();
            LostAgents.lose(a, why != null ? why : "its container exited");
            lines.add("agent " + agentName + " lost: " + (why != null ? why : "its container exited"));
        }
    }
}
