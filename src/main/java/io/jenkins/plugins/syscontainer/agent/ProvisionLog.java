package io.jenkins.plugins.syscontainer.agent;

import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Where provisioning progress goes: a build log (pipeline step), the agent's log, or the system log; every line is
 * also kept so the agent's page can show the timings.
 */
public final class ProvisionLog {
    private final Consumer<String> sink;
    private final List<String> lines = new ArrayList<>();

    public ProvisionLog(Consumer<String> sink) {
        this.sink = sink;
    }

    public static ProvisionLog toLogger(Logger log) {
        return new ProvisionLog(log::fine);
    }

    /** A build's log (with the plugin's prefix) and the Jenkins log at FINE. */
    public static ProvisionLog toStreamAndLogger(PrintStream out, Logger log) {
        return new ProvisionLog(l -> {
            out.println("[system-container] " + l);
            log.fine(l);
        });
    }

    public static ProvisionLog toStream(PrintStream out) {
        return new ProvisionLog(l -> out.println("[system-container] " + l));
    }

    public synchronized void event(ProvisioningEvent e) {
        line(e.step() + " in " + e.duration().toMillis() + " ms" + (e.detail() == null ? "" : " (" + e.detail() + ")"));
    }

    public synchronized void line(String line) {
        lines.add(line);
        sink.accept(line);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
