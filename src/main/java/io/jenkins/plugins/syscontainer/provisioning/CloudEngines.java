package io.jenkins.plugins.syscontainer.provisioning;

import hudson.Extension;
import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.init.Terminator;
import hudson.model.Computer;
import hudson.model.Label;
import hudson.model.Queue;
import hudson.slaves.Cloud;
import io.jenkins.plugins.syscontainer.agent.AgentEngines;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.util.SystemProperties;

/**
 * The one owner of the clouds' run-time state: one backend per cloud (by its id), kept across the cloud object's
 * re-creation on every configuration save and replaced only when what it is built from changes, and each cloud's
 * {@link CloudActivity}. A new backend recovers its state from its platform on a pool thread, never under a lock:
 * Jenkins' provisioner asks with {@link #ifReady} and is told "not yet" instead of waiting; other callers (terminate,
 * launch, reaper, the step) wait with {@link #get}. A replaced backend hands its cache leases to the new one, which
 * serves at once; the old one takes no new provision and is closed in the background once the provisions under way
 * on it end. Everything goes when its cloud is deleted ({@link #discard}), and at shutdown.
 */
@Extension
public final class CloudEngines extends AgentEngines {
    private static final Logger LOG = Logger.getLogger(CloudEngines.class.getName());
    /** Overrides the controller part of every scope: for a copy of JENKINS_HOME that must not touch the original's. */
    static final String SCOPE_PROPERTY = "io.jenkins.plugins.syscontainer.controllerId";
    /** The longest a replaced backend is kept open for provisions still under way on it. */
    static final Duration DRAIN = Duration.ofMinutes(15);

    private final Map<String, Entry> engines = new HashMap<>();
    private final Map<String, CloudActivity> activities = new ConcurrentHashMap<>();
    /** Backends replaced by a configuration change: no new provision may start on them. Weak: closed ones go. */
    private final Set<AgentBackend> retired = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    /** Provisions under way per backend: a replaced backend is closed only once its count is back to 0. */
    private final Map<AgentBackend, AtomicInteger> busy = Collections.synchronizedMap(new WeakHashMap<>());

    private record Entry(String fingerprint, CompletableFuture<AgentBackend> engine) {
    }

    public static CloudEngines get() {
        return (CloudEngines) AgentEngines.get();
    }

    /** The cloud's backend, waiting for it to be built or recovered if needed; throws if that failed. */
    public AgentBackend get(ProvisioningCloud cloud) {
        CompletableFuture<AgentBackend> f = future(cloud);
        try {
            return f.join();
        } catch (CompletionException e) {
            forget(cloud.cloudId(), f);
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** The cloud's backend if it is built and recovered; otherwise starts that in the background and returns null. */
    public AgentBackend ifReady(ProvisioningCloud cloud) {
        CompletableFuture<AgentBackend> f = future(cloud);
        if (!f.isDone()) {
            return null;
        }
        if (f.isCompletedExceptionally()) {
            forget(cloud.cloudId(), f); // built again on the next call
            try {
                f.join();
            } catch (CompletionException e) {
                LOG.log(Level.WARNING, "the engine of cloud " + cloud.displayName() + " could not be built", e.getCause());
            }
            return null;
        }
        return f.join();
    }

    private CompletableFuture<AgentBackend> future(ProvisioningCloud cloud) {
        ProvisioningCloud.BackendRecipe recipe = cloud.backendRecipe();
        String id = cloud.cloudId();
        synchronized (engines) {
            Entry e = engines.get(id);
            if (e != null && e.fingerprint().equals(recipe.fingerprint())) {
                return e.engine();
            }
            CompletableFuture<AgentBackend> replaced = e == null ? null : e.engine();
            CompletableFuture<AgentBackend> f = CompletableFuture.supplyAsync(() -> {
                AgentBackend old = replaced == null ? null : replaced.handle((engine, failure) -> engine).join();
                AgentBackend engine = recipe.build().apply(old);
                if (old != null) {
                    retireLater(cloud.displayName(), old);
                }
                long t = System.nanoTime();
                engine.recover();
                LOG.info(() -> "engine of cloud " + cloud.displayName() + " recovered its state in "
                        + (System.nanoTime() - t) / 1_000_000 + " ms");
                reviewQueueSoon();
                return engine;
            }, Computer.threadPoolForRemoting);
            engines.put(id, new Entry(recipe.fingerprint(), f));
            return f;
        }
    }

    /**
     * Takes the replaced backend out of service now (a provision that registers after this is refused and planned
     * again on the new one) and closes it in the background once the provisions under way on it end, at most after
     * {@link #DRAIN}. Nothing waits for it.
     */
    private void retireLater(String cloud, AgentBackend old) {
        retired.add(old);
        Computer.threadPoolForRemoting.submit(() -> {
            long deadline = System.nanoTime() + DRAIN.toNanos();
            while (!idle(old) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!idle(old)) {
                LOG.warning("cloud " + cloud + ": closing the replaced engine while a provision still runs on it");
            }
            busy.remove(old);
            close(old);
        });
    }

    /** A provision under way on a backend. */
    public interface Use extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Registers a provision on the backend before any work starts; refused once a configuration change retired it
     * (the count is raised first and the retirement checked after, so the retirement either sees this use while it
     * waits, or this call sees the retirement).
     */
    public Use use(AgentBackend backend) throws ProvisioningException {
        AtomicInteger n = busy.computeIfAbsent(backend, e -> new AtomicInteger());
        n.incrementAndGet();
        if (retired.contains(backend)) {
            n.decrementAndGet();
            throw new ProvisioningException(FailureKind.UNKNOWN,
                    "the cloud's hosts changed while this agent was being planned; it is provisioned again");
        }
        return n::decrementAndGet;
    }

    boolean idle(AgentBackend backend) {
        AtomicInteger n = busy.get(backend);
        return n == null || n.get() == 0;
    }

    /** The activity of a cloud, created on first use. */
    public CloudActivity activity(String cloudId) {
        return activities.computeIfAbsent(cloudId, k -> {
            String name = cloudName(k);
            return new CloudActivity(name == null ? k : name, Clock.systemUTC());
        });
    }

    /**
     * Asks Jenkins' provisioners to look at the queue again now: builds that arrived while the engine was recovering
     * were told "not yet", and the provisioner's own pass may be minutes away (its first one comes 100 s after start).
     */
    public static void reviewQueueSoon() {
        Jenkins j = Jenkins.getInstanceOrNull();
        if (j == null) {
            return;
        }
        j.unlabeledNodeProvisioner.suggestReviewNow();
        for (Queue.Item item : j.getQueue().getItems()) {
            Label label = item.getAssignedLabel();
            if (label != null) {
                label.nodeProvisioner.suggestReviewNow();
            }
        }
    }

    /** Starts building and recovering the engine of every system container cloud, so the first build does not wait. */
    public void warmUp() {
        for (ProvisioningCloud c : clouds()) {
            try {
                ifReady(c);
            } catch (RuntimeException e) {
                LOG.fine(() -> "cloud " + c.displayName() + ": engine not started: " + e.getMessage());
            }
        }
    }

    /** After a start: the engines recover their state from their platforms before the first build asks. */
    @Initializer(after = InitMilestone.JOB_CONFIG_ADAPTED)
    public static void warmUpAtStart() {
        jenkins.util.Timer.get().submit(() -> get().warmUp());
    }

    /** The ids of the clouds that have an engine (built or being built) in this controller now. */
    public Set<String> cloudIds() {
        synchronized (engines) {
            return Set.copyOf(engines.keySet());
        }
    }

    /** Every backend that is built and recovered now, by cloud id (for the upkeep and shutdown). */
    Map<String, AgentBackend> readyBackends() {
        Map<String, CompletableFuture<AgentBackend>> fs;
        synchronized (engines) {
            fs = new HashMap<>();
            engines.forEach((id, e) -> fs.put(id, e.engine()));
        }
        Map<String, AgentBackend> out = new HashMap<>();
        fs.forEach((id, f) -> {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                out.put(id, f.join());
            }
        });
        return out;
    }

    /**
     * Takes the engine of a cloud that no longer exists out of service and hands it over (waiting for its recovery
     * to end), or null; its activity goes with it. The caller discards what it made and closes it.
     */
    public AgentBackend discard(String cloudId) {
        Entry e;
        synchronized (engines) {
            e = engines.remove(cloudId);
        }
        activities.remove(cloudId);
        if (e == null) {
            return null;
        }
        try {
            AgentBackend b = e.engine().join();
            busy.remove(b);
            return b;
        } catch (CompletionException ex) {
            return null;
        }
    }

    private void forget(String cloudId, CompletableFuture<AgentBackend> failed) {
        synchronized (engines) {
            Entry e = engines.get(cloudId);
            if (e != null && e.engine() == failed) {
                engines.remove(cloudId);
            }
        }
    }

    public static void close(AgentBackend engine) {
        try {
            engine.close();
        } catch (IOException | RuntimeException ex) {
            LOG.log(Level.FINE, "closing an engine", ex);
        }
    }

    /** At shutdown: every engine's clients are closed (running agents stay; they are found again after the start). */
    @Terminator
    public static void closeAtShutdown() {
        CloudEngines self = get();
        for (AgentBackend b : self.readyBackends().values()) {
            close(b);
        }
        synchronized (self.engines) {
            self.engines.clear();
        }
    }

    /** This plugin's clouds now. */
    @Override
    public void tookBuild(SystemContainerAgent agent, boolean fromStandby) {
        activity(agent.getCloudId()).tookBuild(agent.getTemplateName(), fromStandby);
        if (fromStandby) {
            StandbyPool.get().topUpSoon();
        }
    }

    public static List<ProvisioningCloud> clouds() {
        List<ProvisioningCloud> out = new ArrayList<>();
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof ProvisioningCloud p) {
                out.add(p);
            }
        }
        return out;
    }

    /** The cloud with this id, or null once it was deleted. */
    public static ProvisioningCloud cloud(String cloudId) {
        for (ProvisioningCloud c : clouds()) {
            if (c.cloudId().equals(cloudId)) {
                return c;
            }
        }
        return null;
    }

    @Override
    public AgentBackend backend(String cloudId) {
        ProvisioningCloud c = cloud(cloudId);
        return c == null ? null : get(c);
    }

    /**
     * The engine's controller id for a cloud: the controller's instance id (or the override of
     * {@value #SCOPE_PROPERTY}) plus the cloud's id, so that two clouds of one controller never adopt, reap or evict
     * each other's containers and cache volumes.
     */
    @Override
    public String scope(String cloudId) {
        String controller = SystemProperties.getString(SCOPE_PROPERTY);
        return (controller == null || controller.isBlank() ? Jenkins.get().getLegacyInstanceId() : controller.trim())
                + "." + cloudId;
    }

    @Override
    public boolean serves(String cloudId, String label) {
        ProvisioningCloud c = cloud(cloudId);
        return c != null && c.serves(Label.get(label));
    }

    @Override
    public String cloudName(String cloudId) {
        ProvisioningCloud c = cloud(cloudId);
        return c == null ? null : c.displayName();
    }
}
