package io.jenkins.plugins.syscontainer.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * What one reaper pass did on one place: containers removed, agents whose container exited (with why), errors,
 * volumes removed, and agents whose container vanished.
 */
public record ReapReport(String host, List<String> removed, List<String> exited, List<String> errors,
        List<String> removedVolumes) {
    public ReapReport {
        removed = List.copyOf(removed);
        exited = List.copyOf(exited);
        errors = List.copyOf(errors);
        removedVolumes = List.copyOf(removedVolumes);
    }

    public String toJson() {
        return EngineJson.write(this);
    }

    /** What the pass did on its place, as people read it (the status page, the reaper's log); empty if nothing. */
    public String text() {
        List<String> parts = new ArrayList<>();
        if (!removed.isEmpty()) {
            parts.add("removed " + count(removed.size(), "leftover container") + " (" + String.join(", ", removed) + ")");
        }
        if (!exited.isEmpty()) {
            parts.add(count(exited.size(), "agent") + " whose container ended (" + String.join("; ", exited) + ")");
        }
        if (!removedVolumes.isEmpty()) {
            parts.add("removed " + count(removedVolumes.size(), "volume") + " (" + String.join(", ", removedVolumes) + ")");
        }
        if (!errors.isEmpty()) {
            parts.add(count(errors.size(), "error") + ": " + String.join("; ", errors));
        }
        return parts.isEmpty() ? "" : "host " + host + ": " + String.join(", ", parts);
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
