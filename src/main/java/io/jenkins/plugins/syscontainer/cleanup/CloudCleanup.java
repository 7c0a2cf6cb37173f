package io.jenkins.plugins.syscontainer.cleanup;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.XmlFile;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.Saveable;
import hudson.model.listeners.SaveableListener;
import hudson.slaves.Cloud;
import io.jenkins.plugins.syscontainer.PipelineTemplates;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.ReapReport;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.util.SystemProperties;
import jenkins.util.Timer;

/**
 * Cleans up after a cloud that was deleted: its agents (once idle), then every container and volume it made on its
 * hosts, cache volumes included, and its engine. A cloud that was renamed keeps its id and is not affected. A cloud
 * id must be missing from the configuration for {@link #SETTLE} on two looks before anything is removed, so that a
 * configuration being replaced (configuration as code re-applying the same clouds) is not mistaken for a deletion.
 * Runs after every save of Jenkins' configuration and on every reaper pass, on Jenkins' remoting pool (the Docker work
 * may take minutes), one sweep at a time: a sweep asked for while one runs is done right after it.
 */
@Extension
public class CloudCleanup extends SaveableListener {
    private static final Logger LOG = Logger.getLogger(CloudCleanup.class.getName());
    static final Duration SETTLE = Duration.ofSeconds(SystemProperties.getLong(CloudCleanup.class.getName() + ".settleSeconds", 60L));
    private final Map<String, Instant> missingSince = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public static CloudCleanup get() {
        return ExtensionList.lookupSingleton(CloudCleanup.class);
    }

    @Override
    public void onChange(Saveable o, XmlFile file) {
        if (o instanceof Jenkins j) {
            if (makeIdsUnique(j)) {
                try {
                    j.save(); // comes back here once, with unique ids
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "could not save the new id of a copied cloud", e);
                }
                return;
            }
            Timer.get().submit(() -> CloudEngines.get().warmUp());
            sweepSoon(0);
            sweepSoon(SETTLE.toSeconds() + 1);
        }
    }

    private void sweepSoon(long delaySeconds) {
        Timer.get().schedule(() -> Computer.threadPoolForRemoting.submit(this::sweep), delaySeconds, TimeUnit.SECONDS);
    }

    /**
     * A cloud copied from another ("Copy existing cloud") arrives with the original's id; the later one gets an id of
     * its own before it makes anything in Docker. True when an id changed.
     */
    static boolean makeIdsUnique(Jenkins j) {
        Set<String> seen = new HashSet<>();
        boolean changed = false;
        for (Cloud c : j.clouds) {
            if (c instanceof SystemContainerCloud s && !seen.add(s.getCloudId())) {
                String fresh = SystemContainerCloud.defaultId(s.name) + "-" + UUID.randomUUID().toString().substring(0, 8);
                LOG.info(() -> "cloud " + s.name + " had the id " + s.getCloudId() + " of another cloud; it is now " + fresh);
                s.changeCloudId(fresh);
                seen.add(fresh);
                changed = true;
            }
        }
        return changed;
    }

    /** One look: notes clouds that went missing, and cleans up after those missing for longer than {@link #SETTLE}. */
    void sweep() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        try {
            do {
                again.set(false);
                sweepOnce();
            } while (again.get());
        } finally {
            running.set(false);
        }
    }

    private void sweepOnce() {
        Set<String> present = new HashSet<>();
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s) {
                present.add(s.getCloudId());
            }
        }
        CloudEngines engines = CloudEngines.get();
        Set<String> known = engines.cloudIds();
        missingSince.keySet().retainAll(known);
        missingSince.keySet().removeAll(present);
        Instant now = Instant.now();
        for (String id : known) {
            if (present.contains(id)) {
                continue;
            }
            Instant since = missingSince.computeIfAbsent(id, k -> now);
            if (Duration.between(since, now).compareTo(SETTLE) >= 0 && agentsGone(id)) {
                discard(id);
                missingSince.remove(id);
            }
        }
    }

    /** Removes the deleted cloud's idle agents; true when none is left (a busy one finishes its build first). */
    private static boolean agentsGone(String cloudId) {
        boolean left = false;
        for (Node n : Jenkins.get().getNodes()) {
            if (n instanceof SystemContainerAgent a && a.getCloudId().equals(cloudId)) {
                Computer c = a.toComputer();
                if (c == null || c.isIdle()) {
                    try {
                        Jenkins.get().removeNode(a); // its container goes with the rest below
                    } catch (IOException e) {
                        LOG.log(Level.WARNING, "could not remove agent " + a.getNodeName() + " of a deleted cloud", e);
                        left = true;
                    }
                } else {
                    left = true;
                }
            }
        }
        return !left;
    }

    private static void discard(String cloudId) {
        AgentBackend engine = CloudEngines.get().discard(cloudId);
        PipelineTemplates.get().forget(cloudId);
        try {
            if (engine != null) {
                for (ReapReport r : engine.discardAll()) {
                    LOG.info("deleted cloud " + cloudId + ": " + r.toJson());
                }
            }
        } finally {
            if (engine != null) {
                CloudEngines.close(engine);
            }
            try {
                Files.deleteIfExists(Jenkins.get().getRootDir().toPath().resolve("system-container-agents")
                        .resolve(SystemContainerCloud.ledgerFileName(cloudId)));
            } catch (IOException e) {
                LOG.log(Level.FINE, "could not delete the cache ledger of deleted cloud " + cloudId, e);
            }
        }
    }
}
