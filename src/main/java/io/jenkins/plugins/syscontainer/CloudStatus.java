package io.jenkins.plugins.syscontainer;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.TaskListener;
import hudson.slaves.ComputerListener;
import io.jenkins.plugins.syscontainer.engine.HostProbe;
import io.jenkins.plugins.syscontainer.engine.StartTimings;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a cloud's status page shows beyond its configuration and the engine's live state, kept in memory per cloud id:
 * the agents' start timings, the last runtime check of each host, and the last actions an administrator started.
 */
final class CloudStatus {
    /** The last "is it really Sysbox" probe of a host, or of a host being probed now ({@code running}). */
    record RuntimeCheck(Instant at, boolean running, HostProbe.Report report) {
    }

    private static final Map<String, StartTimings> TIMINGS = new ConcurrentHashMap<>();
    private static final Map<String, RuntimeCheck> RUNTIME = new ConcurrentHashMap<>();
    private static final Map<String, String> LAST_ACTION = new ConcurrentHashMap<>();

    private CloudStatus() {
    }

    static StartTimings timings(String cloudId) {
        return TIMINGS.computeIfAbsent(cloudId, k -> new StartTimings());
    }

    static RuntimeCheck runtime(String cloudId, String host) {
        return RUNTIME.get(cloudId + "/" + host);
    }

    static void runtime(String cloudId, String host, RuntimeCheck check) {
        RUNTIME.put(cloudId + "/" + host, check);
    }

    /** What the last administrator action on this cloud did (or is doing), for the page. */
    static String lastAction(String cloudId) {
        return LAST_ACTION.get(cloudId);
    }

    static void lastAction(String cloudId, String what) {
        LAST_ACTION.put(cloudId, Instant.now() + ": " + what);
    }

    static void forget(String cloudId) {
        TIMINGS.remove(cloudId);
        RUNTIME.keySet().removeIf(k -> k.startsWith(cloudId + "/"));
        LAST_ACTION.remove(cloudId);
    }

    /** Records an agent's start when it first comes online (a reconnect after a restart is not a start). */
    @Extension
    public static final class Recorder extends ComputerListener {
        @Override
        public void onOnline(Computer c, TaskListener listener) {
            if (c instanceof SystemContainerComputer sc && sc.getNode() instanceof SystemContainerAgent a) {
                StartTimings.Sample s = a.startSample(System.currentTimeMillis());
                if (s != null) {
                    timings(a.getCloudId()).record(a.getTemplateName(), s);
                    a.startRecorded();
                }
            }
        }
    }
}
