package io.jenkins.plugins.syscontainer;

import hudson.model.TaskListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-off templates of running {@code systemContainerTemplate} steps, by cloud id and unique label. In memory
 * only: each step registers its template when it starts and again when it resumes after a restart, and removes it
 * when its body ends. A one-off template serves exactly its label, nothing else.
 */
final class PipelineTemplates {
    /** A step's template and where its provisioning progress is printed (the build's log; null after a restart). */
    record Entry(AgentTemplate template, String runUrl, TaskListener listener) {
    }

    private static final Map<String, Map<String, Entry>> BY_CLOUD = new ConcurrentHashMap<>();
    /** Step labels whose agent failed in a way another try cannot fix, with why: their node block is dropped. */
    private static final Map<String, String> FAILED = new ConcurrentHashMap<>();

    private PipelineTemplates() {
    }

    static void register(String cloudId, String label, AgentTemplate template, String runUrl, TaskListener listener) {
        BY_CLOUD.computeIfAbsent(cloudId, k -> new ConcurrentHashMap<>()).put(label, new Entry(template, runUrl, listener));
    }

    static void remove(String cloudId, String label) {
        Map<String, Entry> m = BY_CLOUD.get(cloudId);
        if (m != null) {
            m.remove(label);
        }
        FAILED.remove(label);
    }

    static void fail(String label, String reason) {
        FAILED.put(label, reason);
    }

    /** Why the one-off template of this label can no longer provision, or null. */
    static String failure(String label) {
        return label == null ? null : FAILED.get(label);
    }

    /** The one-off template whose label is exactly this one, or null. */
    static Entry forLabel(String cloudId, String label) {
        Map<String, Entry> m = BY_CLOUD.get(cloudId);
        return m == null || label == null ? null : m.get(label);
    }
}
