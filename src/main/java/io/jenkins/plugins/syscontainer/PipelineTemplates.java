package io.jenkins.plugins.syscontainer;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-off templates of running {@code systemContainerTemplate} steps, by cloud id and unique label; one per
 * controller, in memory only: each step registers its template when it starts and again when it resumes after a
 * restart, and removes it when its body ends. A one-off template serves exactly its label, nothing else. An entry
 * whose run is no longer building (its body never ended: the controller was killed) is pruned by the reaper.
 */
@Extension
public final class PipelineTemplates {
    /** A step's template, the run it belongs to, and where its provisioning progress goes (null after a restart). */
    public record Entry(AgentTemplate template, String runId, TaskListener listener) {
    }

    private final Map<String, Map<String, Entry>> byCloud = new ConcurrentHashMap<>();
    /** Step labels whose agent failed in a way another try cannot fix, with why: their node block fails. */
    private final Map<String, String> failed = new ConcurrentHashMap<>();

    public static PipelineTemplates get() {
        return ExtensionList.lookupSingleton(PipelineTemplates.class);
    }

    public void register(String cloudId, String label, AgentTemplate template, String runId, TaskListener listener) {
        byCloud.computeIfAbsent(cloudId, k -> new ConcurrentHashMap<>()).put(label, new Entry(template, runId, listener));
    }

    public void remove(String cloudId, String label) {
        Map<String, Entry> m = byCloud.get(cloudId);
        if (m != null) {
            m.remove(label);
            if (m.isEmpty()) {
                byCloud.remove(cloudId, m);
            }
        }
        failed.remove(label);
    }

    void fail(String label, String reason) {
        failed.put(label, reason);
    }

    /** Why the one-off template of this label can no longer provision, or null. */
    String failure(String label) {
        return label == null ? null : failed.get(label);
    }

    /** The one-off template whose label is exactly this one, or null. */
    public Entry forLabel(String cloudId, String label) {
        Map<String, Entry> m = byCloud.get(cloudId);
        return m == null || label == null ? null : m.get(label);
    }

    /** The one-off templates of every step of a cloud now. */
    public Map<String, Entry> of(String cloudId) {
        Map<String, Entry> m = byCloud.get(cloudId);
        return m == null ? Map.of() : Map.copyOf(m);
    }

    /** Drops entries whose run is over (a body that never ended); returns how many. Loads runs: not under a lock. */
    public int prune() {
        int n = 0;
        for (Map.Entry<String, Map<String, Entry>> c : byCloud.entrySet()) {
            for (Map.Entry<String, Entry> e : c.getValue().entrySet()) {
                String runId = e.getValue().runId();
                Run<?, ?> run = runId == null ? null : Run.fromExternalizableId(runId);
                if (runId != null && (run == null || !run.isBuilding())) {
                    remove(c.getKey(), e.getKey());
                    n++;
                }
            }
        }
        return n;
    }

    /** Forgets every step of a deleted cloud. */
    public void forget(String cloudId) {
        Map<String, Entry> m = byCloud.remove(cloudId);
        if (m != null) {
            m.keySet().forEach(failed::remove);
        }
    }
}
