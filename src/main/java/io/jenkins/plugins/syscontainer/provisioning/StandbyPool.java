package io.jenkins.plugins.syscontainer.provisioning;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.XmlFile;
import hudson.model.AsyncPeriodicWork;
import hudson.model.Computer;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.Queue;
import hudson.model.Saveable;
import hudson.model.TaskListener;
import hudson.model.listeners.SaveableListener;
import hudson.slaves.NodeProvisioner.PlannedNode;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.agent.SystemContainerComputer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.util.SystemProperties;
import jenkins.util.Timer;

/**
 * Keeps each template's standby agents: started, inner Docker ready, connected and idle, one build each. A build with
 * the template's label takes one as it takes any idle agent (nothing is provisioned on its path), and the pool
 * refills in the background: after each take, when an agent goes, when the configuration is saved, and every
 * {@link #PERIOD_MS}. Standby agents count against the caps; demand comes first: the pool starts none while builds
 * for the cloud wait in the queue, and idle standby agents that cannot serve a waiting build give way to it. Idle
 * standby agents started from settings since changed, or older than the template's maximum age, are replaced.
 * A pass only reads Jenkins' nodes and the queue's snapshot; the provisions it plans run on the remoting pool.
 */
@Extension
public final class StandbyPool extends AsyncPeriodicWork {
    private static final Logger LOG = Logger.getLogger(StandbyPool.class.getName());
    static final long PERIOD_MS = SystemProperties.getLong(StandbyPool.class.getName() + ".periodSeconds", 10L) * 1000L;
    /** After a failed start, the pool waits this long before it tries that template again (the queue does not wait). */
    static final Duration AFTER_FAILURE = Duration.ofSeconds(30);

    private final AtomicBoolean pending = new AtomicBoolean();
    /** Ages are measured on it (a test moves it forward instead of waiting an hour). */
    private volatile java.time.Clock clock = java.time.Clock.systemUTC();

    public StandbyPool() {
        super("System container standby pools");
    }

    public static StandbyPool get() {
        return ExtensionList.lookupSingleton(StandbyPool.class);
    }

    @Override
    public long getRecurrencePeriod() {
        return PERIOD_MS;
    }

    @Override
    protected Level getNormalLoggingLevel() {
        return Level.FINEST;
    }

    @Override
    protected void execute(TaskListener listener) {
        topUp();
    }

    void clock(java.time.Clock c) {
        clock = c;
    }

    /** A pass soon, off the caller's thread (callers hold the queue lock or are executors); passes coalesce. */
    public void topUpSoon() {
        if (pending.compareAndSet(false, true)) {
            Timer.get().schedule(() -> {
                Computer.threadPoolForRemoting.execute(this::topUp);
            }, 100, TimeUnit.MILLISECONDS);
        }
    }

    /** One pass over every cloud's pools; one at a time. */
    synchronized void topUp() {
        pending.set(false);
        Jenkins j = Jenkins.getInstanceOrNull();
        if (j == null || j.isTerminating()) {
            return;
        }
        for (ProvisioningCloud cloud : CloudEngines.clouds()) {
            try {
                topUp(cloud);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "standby pool of cloud " + cloud.displayName() + ": " + e.getMessage(), e);
            }
        }
    }

    private void topUp(ProvisioningCloud cloud) {
        Map<String, ProvisioningCloud.StandbyTarget> targets = new HashMap<>();
        cloud.standbyTargets().forEach(t -> targets.put(t.template(), t));
        Map<String, List<StandbyPlan.Member>> members = members(cloud.cloudId(), clock.millis());
        if (targets.isEmpty() && members.isEmpty()) {
            return;
        }
        CloudActivity activity = CloudEngines.get().activity(cloud.cloudId());
        boolean demand = buildsWaitFor(cloud);
        Instant now = Instant.now();
        List<String> templates = new ArrayList<>(targets.keySet());
        members.keySet().stream().filter(t -> !targets.containsKey(t)).forEach(templates::add);
        for (String template : templates) {
            ProvisioningCloud.StandbyTarget target = targets.get(template);
            CloudActivity.Failure last = activity.lastFailure(template);
            boolean backingOff = last != null && last.at().plus(AFTER_FAILURE).isAfter(now);
            StandbyPlan.Decision d = StandbyPlan.decide(target == null ? 0 : target.agents(),
                    target == null ? null : target.shape(), target == null ? Duration.ofDays(3650) : target.maxAge(),
                    members.getOrDefault(template, List.of()), activity.standbyStarting(template), !demand && !backingOff);
            d.retire().forEach(r -> retire(cloud.cloudId(), r.agent(), r.why()));
            if (d.start() > 0) {
                start(cloud, template, d.start());
            }
        }
    }

    /** A template's pool as the status page shows it: its target, members ready for a build, members starting. */
    public record State(String template, int target, int ready, int starting, Duration maxAge) {
    }

    /** The pools of a cloud: every template with a target, and any template that still has members (its snapshot). */
    public List<State> states(ProvisioningCloud cloud) {
        Map<String, ProvisioningCloud.StandbyTarget> targets = new java.util.TreeMap<>();
        cloud.standbyTargets().forEach(t -> targets.put(t.template(), t));
        Map<String, Integer> ready = new HashMap<>();
        for (SystemContainerAgent a : SystemContainerAgent.all(cloud.cloudId())) {
            if (a.isInStandbyPool() && a.toComputer() instanceof SystemContainerComputer c && c.isOnline() && c.isIdle()
                    && !c.isTerminating()) {
                ready.merge(a.getTemplateName(), 1, Integer::sum);
            }
        }
        CloudActivity activity = CloudEngines.get().activity(cloud.cloudId());
        java.util.Set<String> templates = new java.util.TreeSet<>(targets.keySet());
        templates.addAll(ready.keySet());
        List<State> out = new ArrayList<>();
        for (String t : templates) {
            ProvisioningCloud.StandbyTarget target = targets.get(t);
            out.add(new State(t, target == null ? 0 : target.agents(), ready.getOrDefault(t, 0), activity.standbyStarting(t),
                    target == null ? null : target.maxAge()));
        }
        return out;
    }

    /** The standby agents of a cloud by template: in the pool (not claimed, not used) and not going. */
    private static Map<String, List<StandbyPlan.Member>> members(String cloudId, long now) {
        Map<String, List<StandbyPlan.Member>> out = new HashMap<>();
        for (SystemContainerAgent a : SystemContainerAgent.all(cloudId)) {
            if (a.isInStandbyPool() && a.toComputer() instanceof SystemContainerComputer c && !c.isTerminating()) {
                String shape = ProvisioningCloud.StandbyTarget.shape(a.getSettings(), a.getLabelString(), a.getMode().name(),
                        a.getNumExecutors());
                out.computeIfAbsent(a.getTemplateName(), k -> new ArrayList<>()).add(new StandbyPlan.Member(a.getNodeName(),
                        shape, Duration.ofMillis(now - a.getCreatedAtMs()), c.isIdle()));
            }
        }
        return out;
    }

    /** Whether a build that this cloud serves waits in the queue (its snapshot: no lock). */
    private static boolean buildsWaitFor(ProvisioningCloud cloud) {
        for (Queue.Item item : Jenkins.get().getQueue().getBuildableItems()) {
            if (cloud.serves(item.getAssignedLabel())) {
                return true;
            }
        }
        return false;
    }

    private void start(ProvisioningCloud cloud, String template, int n) {
        for (PlannedNode p : cloud.planStandby(template, n)) {
            AgentFactory.completion(p).whenComplete((node, failure) -> {
                if (node == null) {
                    LOG.fine(() -> "standby agent " + p.displayName + " of template " + template + " not started: " + failure);
                    return;
                }
                try {
                    Jenkins.get().addNode(node);
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "could not add standby agent " + node.getNodeName() + "; removing it", e);
                    if (node instanceof SystemContainerAgent a) {
                        a.terminateLater("it could not be added to Jenkins");
                    }
                }
            });
        }
    }

    /** Retires an idle standby agent, deciding under the queue lock so that no build is given it meanwhile. */
    private static void retire(String cloudId, String agent, String why) {
        Queue.withLock(() -> {
            if (Jenkins.get().getNode(agent) instanceof SystemContainerAgent a && a.isInStandbyPool()
                    && a.toComputer() instanceof SystemContainerComputer c && c.isIdle() && !c.isTerminating()) {
                c.setAcceptingTasks(false);
                LOG.fine(() -> "standby agent " + agent + " of cloud " + cloudId + " retired: " + why);
                a.terminateLater("standby agent retired: " + why);
            }
        });
    }

    /**
     * Idle standby agents of the cloud that cannot serve the waiting builds of this label give way to them, up to
     * {@code count}: the template of the label first. Called while planning (under the queue lock); the removal runs
     * on a pool thread, and the freed slot wakes the provisioner.
     */
    public void giveWay(ProvisioningCloud cloud, String template, Label label, int count) {
        List<SystemContainerAgent> candidates = new ArrayList<>();
        for (SystemContainerAgent a : SystemContainerAgent.all(cloud.cloudId())) {
            boolean couldServe = label == null ? a.getMode() == Node.Mode.NORMAL : label.contains(a);
            if (a.isInStandbyPool() && !couldServe && a.toComputer() instanceof SystemContainerComputer c && c.isIdle()
                    && !c.isTerminating()) {
                candidates.add(a);
            }
        }
        candidates.sort((x, y) -> Boolean.compare(!x.getTemplateName().equals(template), !y.getTemplateName().equals(template)));
        candidates.stream().limit(count).forEach(a -> retire(cloud.cloudId(), a.getNodeName(), "a waiting build needs its slot"));
    }

    /**
     * Hands a ready standby agent of the template, started from exactly these settings, to a pipeline block: it then
     * answers to the block's label only. Returns its name, or null when the pool has none (the block provisions).
     */
    public String claim(String cloudId, String template, String settings, String label) {
        java.util.concurrent.atomic.AtomicReference<SystemContainerAgent> found = new java.util.concurrent.atomic.AtomicReference<>();
        Queue.withLock(() -> {
            SystemContainerAgent best = null;
            for (SystemContainerAgent a : SystemContainerAgent.all(cloudId)) {
                if (a.isInStandbyPool() && a.getTemplateName().equals(template) && settings.equals(a.getSettings())
                        && a.toComputer() instanceof SystemContainerComputer c && c.isIdle() && !c.isTerminating()
                        && (best == null || c.isOnline())) {
                    best = a;
                }
            }
            if (best != null) {
                try {
                    best.claimFor(label);
                    found.set(best);
                } catch (java.io.IOException e) {
                    LOG.log(Level.WARNING, "could not hand standby agent " + best.getNodeName() + " to a pipeline", e);
                }
            }
        });
        SystemContainerAgent claimed = found.get();
        if (claimed == null) {
            return null;
        }
        try {
            Jenkins.get().updateNode(claimed); // saved, and its new label known to the queue
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, "could not save that " + claimed.getNodeName() + " was claimed by a pipeline", e);
        }
        topUpSoon();
        return claimed.getNodeName();
    }

    /** A configuration save may change a pool's size or its template's settings: a pass soon. */
    @Extension
    public static final class OnSave extends SaveableListener {
        @Override
        public void onChange(Saveable o, XmlFile file) {
            if (o instanceof Jenkins) {
                get().topUpSoon();
            }
        }
    }
}
