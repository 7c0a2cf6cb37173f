package io.jenkins.plugins.syscontainer.provisioning;

import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.slaves.ComputerListener;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.agent.SystemContainerComputer;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.StartTimings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.model.NodeListener;

/**
 * What one cloud has been doing, in memory and bounded, owned by {@link CloudEngines} and dropped with the cloud: the
 * agents being provisioned, the last failures (also logged, at most once a minute per template and kind), the start
 * timings, the last runtime check of each host, and the last action an administrator started.
 */
public final class CloudActivity {
    private static final Logger LOG = Logger.getLogger(CloudActivity.class.getName());
    static final int FAILURES_KEPT = 20;
    static final Duration LOG_EVERY = Duration.ofMinutes(1);

    public record Failure(Instant at, String template, FailureKind kind, String message) {
    }

    /** The last "is it really Sysbox" probe of a host, or of a host being probed now ({@code running}). */
    public record RuntimeCheck(Instant at, boolean running, ProbeResult report) {
    }

    /**
     * An agent being provisioned: its template, whether it has been placed on a host yet, whether for the pool, and
     * when its provisioning ended with a node that Jenkins has not added yet (0: still provisioning).
     */
    record InFlight(String template, boolean placed, boolean standby, long doneAtMs) {
    }

    /**
     * How long a provisioned agent still counts as in flight while Jenkins has not added its node (its provisioner
     * adds it at its next pass): until then it is in no node list, and caps must still count it.
     */
    static final long ADD_WAIT_MS = 120_000L;

    /** Builds that took a fresh agent of a template, and how many of them took it out of the standby pool. */
    public record Takes(int builds, int fromStandby) {
    }

    private final String cloudName;
    private final Clock clock;
    private final Deque<Failure> failures = new ArrayDeque<>();
    private final Map<String, Instant> loggedAt = new HashMap<>();
    private final Map<String, Integer> unlogged = new HashMap<>();
    private final StartTimings timings = new StartTimings();
    private final Map<String, RuntimeCheck> runtimeChecks = new ConcurrentHashMap<>();
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private volatile String lastAction;
    private final Map<String, Takes> takes = new ConcurrentHashMap<>();

    CloudActivity(String cloudName, Clock clock) {
        this.cloudName = cloudName;
        this.clock = clock;
    }

    /** Keeps a failure for the cloud's page and logs it: one line with its class, rate-limited per template and kind. */
    public void failed(String template, FailureKind kind, String message) {
        Instant now = clock.instant();
        String key = template + "/" + kind;
        int suppressed;
        synchronized (this) {
            failures.addFirst(new Failure(now, template, kind, message));
            while (failures.size() > FAILURES_KEPT) {
                failures.removeLast();
            }
            Instant last = loggedAt.get(key);
            if (last != null && last.plus(LOG_EVERY).isAfter(now)) {
                unlogged.merge(key, 1, Integer::sum);
                return;
            }
            loggedAt.put(key, now);
            Integer n = unlogged.remove(key);
            suppressed = n == null ? 0 : n;
        }
        String first = message.lines().findFirst().orElse("");
        LOG.log(Level.WARNING, "cloud {0}, template {1}: provisioning failed [{2}]: {3}{4}", new Object[] {cloudName,
            template, kind, first, suppressed == 0 ? "" : " (" + suppressed + " more like it in the last minute)"});
    }

    public synchronized List<Failure> failures() {
        return new ArrayList<>(failures);
    }

    /** The latest failure of a template, or null. */
    public synchronized Failure lastFailure(String template) {
        for (Failure f : failures) {
            if (f.template().equals(template)) {
                return f;
            }
        }
        return null;
    }

    public StartTimings timings() {
        return timings;
    }

    public RuntimeCheck runtimeCheck(String host) {
        return runtimeChecks.get(host);
    }

    public void runtimeCheck(String host, RuntimeCheck check) {
        runtimeChecks.put(host, check);
    }

    /** What the last administrator action on this cloud did (or is doing), for the page. */
    public String lastAction() {
        return lastAction;
    }

    public void lastAction(String what) {
        lastAction = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ": " + what;
    }

    void provisioning(String agent, String template, boolean standby) {
        long now = clock.millis();
        inFlight.values().removeIf(f -> !counts(f, now));
        inFlight.put(agent, new InFlight(template, false, standby, 0L));
    }

    void placed(String agent) {
        inFlight.computeIfPresent(agent, (k, v) -> new InFlight(v.template(), true, v.standby(), v.doneAtMs()));
    }

    /** Agents being started for a template's standby pool now. */
    public int standbyStarting(String template) {
        long now = clock.millis();
        return (int) inFlight.values().stream().filter(f -> f.standby() && f.doneAtMs() == 0 && f.template().equals(template)
                && counts(f, now)).count();
    }

    void tookBuild(String template, boolean fromStandby) {
        takes.merge(template, new Takes(1, fromStandby ? 1 : 0),
                (a, b) -> new Takes(a.builds() + b.builds(), a.fromStandby() + b.fromStandby()));
    }

    /** Per template, the builds that took an agent since the controller started, and the share from the pool. */
    public Map<String, Takes> takes() {
        return Map.copyOf(takes);
    }

    /** Its provisioning ended: with a node that Jenkins will add ({@code nodeComing}: counted until then) or none. */
    void provisioned(String agent, boolean nodeComing) {
        if (nodeComing) {
            long now = clock.millis();
            inFlight.computeIfPresent(agent, (k, v) -> new InFlight(v.template(), v.placed(), v.standby(), now));
        } else {
            inFlight.remove(agent);
        }
    }

    /** Jenkins added its node: from now on it is counted as a node. */
    void added(String agent) {
        inFlight.remove(agent);
    }

    private static boolean counts(InFlight f, long now) {
        return f.doneAtMs() == 0 || now - f.doneAtMs() < ADD_WAIT_MS;
    }

    /** Whether an entry counts now: still provisioning, or provisioned and its node not (yet) in Jenkins' list. */
    private static boolean counts(String agent, InFlight f, long now) {
        if (f.doneAtMs() == 0) {
            return true;
        }
        Jenkins j = Jenkins.getInstanceOrNull();
        return counts(f, now) && (j == null || j.getNode(agent) == null); // added: counted as a node from then on
    }

    /** Agents of a template (null: any) being provisioned now, or provisioned and not yet added by Jenkins. */
    public int inFlight(String template) {
        long now = clock.millis();
        return (int) inFlight.entrySet().stream().filter(e -> (template == null || e.getValue().template().equals(template))
                && counts(e.getKey(), e.getValue(), now)).count();
    }

    /** Agents being provisioned that no host has taken yet: the backend's free slots do not count them. */
    public int unplaced() {
        return (int) inFlight.values().stream().filter(f -> !f.placed()).count();
    }

    /** The agents {@link #inFlight} counts. */
    public List<String> inFlightAgents() {
        long now = clock.millis();
        return inFlight.entrySet().stream().filter(e -> counts(e.getKey(), e.getValue(), now)).map(Map.Entry::getKey).toList();
    }

    /** Stops counting a provisioned agent as in flight once Jenkins has added its node. */
    @Extension
    public static final class Added extends NodeListener {
        @Override
        protected void onCreated(Node node) {
            if (node instanceof SystemContainerAgent a) {
                CloudEngines.get().activity(a.getCloudId()).added(a.getNodeName());
            }
        }
    }

    /** Records an agent's start when it first comes online (a reconnect after a restart is not a start). */
    @Extension
    public static final class Recorder extends ComputerListener {
        @Override
        public void onOnline(Computer c, TaskListener listener) {
            if (c instanceof SystemContainerComputer sc && sc.getNode() instanceof SystemContainerAgent a) {
                StartTimings.Sample s = a.startSample(System.currentTimeMillis());
                if (s != null) {
                    CloudEngines.get().activity(a.getCloudId()).timings().record(a.getTemplateName(), s);
                    a.startRecorded();
                }
            }
        }
    }
}
