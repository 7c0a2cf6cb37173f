package io.jenkins.plugins.syscontainer;

import io.jenkins.plugins.syscontainer.engine.CacheLedger;
import io.jenkins.plugins.syscontainer.engine.DockerHost;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One engine per cloud (by its id), kept across the cloud object's re-creation on every configuration save and replaced (the old
 * one closed once the provisions under way on it are done) only when the hosts, their timeouts or the runtime allowlist change. A new engine recovers its state
 * from Docker, so leases and host slots of running agents are never lost. That recovery talks to every host, so it
 * runs on a thread of its own, never under a lock: Jenkins' provisioner asks with {@link #ifReady} and is told "not
 * yet" instead of waiting; other callers (terminate, launch, reaper, the step) wait with {@link #get}.
 */
final class CloudEngines {
    private static final Logger LOG = Logger.getLogger(CloudEngines.class.getName());
    private static final Map<String, Entry> ENGINES = new HashMap<>();

    /** The longest a configuration change waits for provisions on the replaced engine before recovering anew. */
    static final java.time.Duration DRAIN = java.time.Duration.ofMinutes(15);
    /** Engines replaced by a configuration change: no new provision may start on them. Weak: closed ones go. */
    private static final Set<SystemContainerEngine> RETIRED =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    private record Entry(String fingerprint, CompletableFuture<SystemContainerEngine> engine) {
    }

    /** What an engine is built from. */
    record Config(String controllerId, List<DockerHost> hosts, Set<String> runtimes, Path ledger) {
        String fingerprint() {
            return controllerId + "|" + hosts + "|" + hosts.stream().map(h -> h.maxAgents() + "/" + h.connectTimeout()
                    + "/" + h.responseTimeout() + "/" + (h.tls() == null ? 0 : h.tls().hashCode())).toList()
                    + "|" + runtimes;
        }
    }

    private CloudEngines() {
    }

    /** The cloud's engine, waiting for it to be built or recovered if needed; throws if that failed. */
    static SystemContainerEngine get(String cloud, Config config) {
        CompletableFuture<SystemContainerEngine> f = future(cloud, config);
        try {
            return f.join();
        } catch (CompletionException e) {
            forget(cloud, f);
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** The cloud's engine if it is built and recovered; otherwise starts that in the background and returns null. */
    static SystemContainerEngine ifReady(String cloud, Config config) {
        CompletableFuture<SystemContainerEngine> f = future(cloud, config);
        if (!f.isDone()) {
            return null;
        }
        if (f.isCompletedExceptionally()) {
            forget(cloud, f); // built again on the next call
            try {
                f.join();
            } catch (CompletionException e) {
                LOG.log(Level.WARNING, "the engine of cloud " + cloud + " could not be built", e.getCause());
            }
            return null;
        }
        return f.join();
    }

    private static CompletableFuture<SystemContainerEngine> future(String cloud, Config config) {
        String fingerprint = config.fingerprint();
        synchronized (ENGINES) {
            Entry e = ENGINES.get(cloud);
            if (e != null && e.fingerprint().equals(fingerprint)) {
                return e.engine();
            }
            CompletableFuture<SystemContainerEngine> replaced = e == null ? null : e.engine();
            CompletableFuture<SystemContainerEngine> f = CompletableFuture.supplyAsync(() -> {
                if (replaced != null) {
                    retire(cloud, replaced.handle((engine, failure) -> engine).join());
                }
                SystemContainerEngine engine = new SystemContainerEngine(config.controllerId(), config.hosts(),
                        new SecurityPolicy(config.runtimes()), new CacheLedger(config.ledger()), Clock.systemUTC(), null);
                long t = System.nanoTime();
                engine.recover();
                LOG.info(() -> "engine of cloud " + cloud + " recovered its state from " + config.hosts().size()
                        + " host(s) in " + (System.nanoTime() - t) / 1_000_000 + " ms");
                reviewQueueSoon();
                return engine;
            }, hudson.model.Computer.threadPoolForRemoting);
            ENGINES.put(cloud, new Entry(fingerprint, f));
            return f;
        }
    }

    /**
     * Waits (at most {@link #DRAIN}) until no provision runs on the replaced engine, then closes it: a provision under
     * way keeps its clients, and the new engine's recovery then sees the container and volume it made.
     */
    private static void retire(String cloud, SystemContainerEngine old) {
        if (old == null) {
            return;
        }
        RETIRED.add(old); // first: a provision that registers after this sees it and goes to the new engine
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (!AgentFactory.idle(old) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!AgentFactory.idle(old)) {
            LOG.warning("cloud " + cloud + ": closing the replaced engine while a provision still runs on it");
        }
        AgentFactory.forget(old);
        close(old);
    }

    /**
     * Asks Jenkins' provisioners to look at the queue again now: builds that arrived while the engine was recovering
     * were told "not yet", and the provisioner's own pass may be minutes away (its first one comes 100 s after start).
     */
    static void reviewQueueSoon() {
        jenkins.model.Jenkins j = jenkins.model.Jenkins.getInstanceOrNull();
        if (j == null) {
            return;
        }
        j.unlabeledNodeProvisioner.suggestReviewNow();
        for (hudson.model.Queue.Item item : j.getQueue().getItems()) {
            hudson.model.Label label = item.getAssignedLabel();
            if (label != null) {
                label.nodeProvisioner.suggestReviewNow();
            }
        }
    }

    /** Starts building and recovering the engine of every system container cloud, so the first build does not wait. */
    static void warmUp() {
        for (hudson.slaves.Cloud c : jenkins.model.Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s) {
                s.warmUp();
            }
        }
    }

    /** The ids of the clouds that have an engine (built or being built) in this controller now. */
    static Set<String> cloudIds() {
        synchronized (ENGINES) {
            return Set.copyOf(ENGINES.keySet());
        }
    }

    /**
     * Takes the engine of a cloud that no longer exists out of the map and hands it over (waiting for its recovery
     * to end), or null: the caller discards what it made and closes it.
     */
    static SystemContainerEngine remove(String cloudId) {
        Entry e;
        synchronized (ENGINES) {
            e = ENGINES.remove(cloudId);
        }
        if (e == null) {
            return null;
        }
        try {
            return e.engine().join();
        } catch (CompletionException ex) {
            return null;
        }
    }

    static boolean isRetired(SystemContainerEngine engine) {
        return RETIRED.contains(engine);
    }

    private static void forget(String cloud, CompletableFuture<SystemContainerEngine> failed) {
        synchronized (ENGINES) {
            Entry e = ENGINES.get(cloud);
            if (e != null && e.engine() == failed) {
                ENGINES.remove(cloud);
            }
        }
    }

    static void close(SystemContainerEngine engine) {
        try {
            engine.close();
        } catch (IOException ex) {
            LOG.log(Level.FINE, "closing a replaced engine", ex);
        }
    }
}
