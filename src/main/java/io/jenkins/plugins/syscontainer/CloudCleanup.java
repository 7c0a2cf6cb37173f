package io.jenkins.plugins.syscontainer;

import hudson.Extension;
import hudson.XmlFile;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.Saveable;
import hudson.model.listeners.SaveableListener;
import hudson.slaves.Cloud;
import io.jenkins.plugins.syscontainer.engine.Reaper;
import io.jenkins.plugins.syscontainer.engine.SystemContainerEngine;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.util.Timer;

/**
 * Cleans up after a cloud that was deleted: its agents (once idle), then every container and volume it made on its
 * hosts, cache volumes included, and its engine. A cloud that was renamed keeps its id and is not affected. A cloud
 * id must be missing from the configuration for {@link #SETTLE} on two looks before anything is removed, so that a
 * configuration being replaced (configuration as code re-applying the same clouds) is not mistaken for a deletion.
 * Runs after every save of Jenkins' configuration and on every reaper pass.
 */
@Extension
public class CloudCleanup extends SaveableListener {
    private static final Logger LOG = Logger.getLogger(CloudCleanup.class.getName());
    static final Duration SETTLE = Duration.ofSeconds(Long.getLong(CloudCleanup.class.getName() + ".settleSeconds", 60));
    private static final Map<String, Instant> MISSING_SINCE = new ConcurrentHashMap<>();

    /** After a start: the engines recover their state from Docker before the first build asks. */
    @hudson.init.Initializer(after = hudson.init.InitMilestone.JOB_CONFIG_ADAPTED)
    public static void warmUpEngines() {
        Timer.get().schedule(CloudEngines::warmUp, 0, TimeUnit.SECONDS);
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
            Timer.get().schedule(CloudEngines::warmUp, 0, TimeUnit.SECONDS);
            Timer.get().schedule(CloudCleanup::sweep, 0, TimeUnit.SECONDS);
            Timer.get().schedule(CloudCleanup::sweep, SETTLE.toSeconds() + 1, TimeUnit.SECONDS);
        }
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
                String fresh = s.name + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
                LOG.info(() -> "cloud " + s.name + " had the id " + s.getCloudId() + " of another cloud; it is now " + fresh);
                s.setCloudId(fresh);
                seen.add(fresh);
                changed = true;
            }
        }
        return changed;
    }

    /** One look: notes clouds that went missing, and cleans up after those missing for longer than {@link #SETTLE}. */
    static synchronized void sweep() {
        Set<String> present = new HashSet<>();
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s) {
                present.add(s.getCloudId());
            }
        }
        MISSING_SINCE.keySet().retainAll(CloudEngines.cloudIds());
        MISSING_SINCE.keySet().removeAll(present);
        Instant now = Instant.now();
        for (String id : CloudEngines.cloudIds()) {
            if (present.contains(id)) {
                continue;
            }
            Instant since = MISSING_SINCE.computeIfAbsent(id, k -> now);
            if (Duration.between(since, now).compareTo(SETTLE) >= 0 && agentsGone(id)) {
                discard(id);
                MISSING_SINCE.remove(id);
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
        SystemContainerEngine engine = CloudEngines.remove(cloudId);
        if (engine == null) {
            return;
        }
        try {
            List<Reaper.Report> reports = engine.discardAll();
            for (Reaper.Report r : reports) {
                LOG.info("deleted cloud " + cloudId + ": " + r.toJson());
            }
        } finally {
            CloudEngines.close(engine);
            ProvisioningFailures.forget(cloudId);
            CloudStatus.forget(cloudId);
            try {
                java.nio.file.Files.deleteIfExists(Jenkins.get().getRootDir().toPath().resolve("system-container-agents")
                        .resolve(cloudId + ".ledger"));
            } catch (IOException e) {
                LOG.log(Level.FINE, "could not delete the cache ledger of deleted cloud " + cloudId, e);
            }
        }
    }
}
