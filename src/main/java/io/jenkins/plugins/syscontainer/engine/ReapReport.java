package io.jenkins.plugins.syscontainer.engine;

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
}
