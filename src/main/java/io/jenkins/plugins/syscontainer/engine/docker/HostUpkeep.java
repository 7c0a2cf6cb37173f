package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.ReapReport;
import io.jenkins.plugins.syscontainer.engine.cache.CacheVolumePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What is done to a host's state apart from any one agent: recovering it after a restart, removing what earlier
 * removals there left when the host did not answer, reaping orphans, finding agents whose container vanished, and
 * discarding everything of a deleted cloud. A host that is not recovered is never reaped: its slots and leases are
 * not known yet, and removing anything could free what is in use.
 */
final class HostUpkeep {
    private final String controllerId;
    private final CacheVolumePool volumes;
    private final Function<ManagedHost, DockerVolumeStore> stores;
    private final Reaper reaper;

    HostUpkeep(String controllerId, CacheVolumePool volumes, Function<ManagedHost, DockerVolumeStore> stores,
            Reaper reaper) {
        this.controllerId = controllerId;
        this.volumes = volumes;
        this.stores = stores;
        this.reaper = reaper;
    }

    private DockerVolumeStore store(ManagedHost h) {
        return stores.apply(h);
    }

    /**
     * Rebuilds one host's state from Docker after a controller restart: the slots of this controller's live
     * containers, and cache leases from container and volume labels. False (the host marked unhealthy and left
     * unrecovered) when it does not answer.
     */
    boolean recover(ManagedHost h) {
        try {
            List<Container> ours = h.api().listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(Labels.CONTROLLER, controllerId)).exec();
            Map<String, String> mounted = new HashMap<>();
            for (Container c : ours) {
                Map<String, String> l = c.getLabels() == null ? Map.of() : c.getLabels();
                String agent = l.get(Labels.AGENT);
                if (agent != null && "agent".equals(l.get(Labels.ROLE))) {
                    h.tryReserve(agent);
                }
                if (l.get(Labels.CACHE_VOLUME) != null) {
                    mounted.put(l.get(Labels.CACHE_VOLUME), agent != null ? agent
                            : "container " + ContainerExec.shortId(c.getId()));
                }
            }
            volumes.recover(store(h), mounted);
            h.recovered(true);
            h.health().markSuccess();
            return true;
        } catch (RuntimeException e) {
            h.recovered(false);
            h.health().markFailure("recovery failed: " + e.getMessage());
            return false;
        }
    }

    /**
     * What earlier removals on this host left because it did not answer: failed starts' containers (then the cache
     * volumes they kept out of circulation are given back) and throw-away volumes. Never forced on a volume.
     */
    void removeLeftovers(ManagedHost h) {
        boolean any = false;
        for (Map.Entry<String, String> left : h.leftBehind().entrySet()) {
            if (AgentProvisioner.removeQuietly(h.api(), left.getKey())) {
                h.removed(left.getKey());
                volumes.releaseOrphaned(store(h), left.getValue()); // a lease a recovery gave it: state unknown
                any = true;
            }
        }
        if (any) {
            try {
                volumes.recheckBlocked(store(h));
            } catch (ProvisioningException e) {
                // the host stopped answering again: the periodic maintenance rechecks them
            }
        }
        volumes.removeLeftovers(store(h));
    }

    /** One reaper pass over every host (a failing host is reported and marked unhealthy). */
    List<ReapReport> reap(List<ManagedHost> hosts, Set<String> liveAgents, Duration grace) {
        List<ReapReport> reports = new ArrayList<>();
        for (ManagedHost h : hosts) {
            if (!h.isRecovered()) {
                continue; // its slots and leases are not known yet: removing anything could free what is in use
            }
            try {
                ReapReport r = reaper.reap(h, liveAgents, grace);
                for (String agent : r.removed()) {
                    volumes.releaseOrphaned(store(h), agent);
                }
                removeLeftovers(h);
                reports.add(r);
                h.health().markSuccess();
            } catch (RuntimeException e) {
                h.health().markFailure(e.getMessage());
                reports.add(new ReapReport(h.name(), List.of(), List.of(), List.of(e.getMessage()), List.of()));
            }
        }
        return reports;
    }

    /**
     * The agents (of those given, by host) whose container no longer exists on a host that answered: removed by
     * someone else, or lost with the host's disk. Their Jenkins agents can go at once.
     */
    Set<String> vanished(List<ManagedHost> hosts, Map<String, String> hostByAgent) {
        Set<String> gone = new java.util.HashSet<>();
        for (ManagedHost h : hosts) {
            if (!h.isRecovered() || !hostByAgent.containsValue(h.name())) {
                continue;
            }
            Set<String> present = new java.util.HashSet<>();
            try {
                for (Container c : h.api().listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(Labels.CONTROLLER, controllerId)).exec()) {
                    if (c.getLabels() != null && c.getLabels().get(Labels.AGENT) != null) {
                        present.add(c.getLabels().get(Labels.AGENT));
                    }
                }
            } catch (RuntimeException e) {
                continue; // unknown: nothing is said about this host's agents
            }
            hostByAgent.forEach((agent, host) -> {
                if (host.equals(h.name()) && !present.contains(agent)) {
                    gone.add(agent);
                }
            });
        }
        return gone;
    }

    /**
     * Removes everything this engine's controller id owns on every host: containers (at once, whatever their age) and
     * volumes, cache volumes included. For a cloud that was deleted; its agents must be gone from Jenkins first.
     */
    List<ReapReport> discardAll(List<ManagedHost> hosts) {
        List<ReapReport> reports = new ArrayList<>();
        for (ManagedHost h : hosts) {
            try {
                ReapReport r = reaper.reap(h, Set.of(), Duration.ZERO);
                List<String> errors = new ArrayList<>(r.errors());
                List<String> vols = new ArrayList<>(r.removedVolumes());
                vols.addAll(reaper.removeAllVolumes(h, errors));
                reports.add(new ReapReport(h.name(), r.removed(), r.exited(), errors, vols));
            } catch (RuntimeException e) {
                reports.add(new ReapReport(h.name(), List.of(), List.of(), List.of(e.getMessage()), List.of()));
            }
        }
        return reports;
    }
}
