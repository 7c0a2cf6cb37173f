package io.jenkins.plugins.syscontainer.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.syscontainer.engine.CacheVolume.State;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Per-host pools of cached /var/lib/docker volumes, keyed by cache key. An agent leases the warmest idle volume of its
 * pool, or a new one while the pool is under its cap, or (pool full and busy) a throw-away volume.
 *
 * <p>The invariant: a cache volume is never mounted by two live containers. Sysbox does not enforce it and sharing
 * corrupts the inner Docker's data. It holds in the process because a volume changes from idle to leased under this
 * pool's lock, and against Docker because, before a reused volume is handed out, Docker is asked whether any
 * container, running or not, uses it; if one does, the volume is skipped. After a restart the leases are rebuilt from
 * the labels on Docker's containers and volumes ({@link #recover}), not from memory.
 */
public final class CacheVolumePool implements VolumeProvider {
    static final String ROLE = "cache-volume";
    /** leasedBy of a volume Docker refused to remove because something mounts it. */
    static final String UNKNOWN_USER = "unknown container";
    private final Map<String, Instant> lastSizeRefresh = new java.util.HashMap<>();

    private final String controllerId;
    private final Clock clock;
    private final CacheLedger ledger;
    private final SecurityPolicy policy;
    private final EphemeralVolumes overflow;
    private final Map<String, Pool> pools = new LinkedHashMap<>();

    static final class Pool {
        final String host;
        final String key;
        final List<CacheVolume> volumes = new ArrayList<>();
        CacheSettings settings = CacheSettings.DEFAULTS;
        long hits;
        long misses;
        long evictions;

        Pool(String host, String key) {
            this.host = host;
            this.key = key;
        }
    }

    public CacheVolumePool(String controllerId, Clock clock, CacheLedger ledger, SecurityPolicy policy) {
        this.controllerId = controllerId;
        this.clock = clock;
        this.ledger = ledger;
        this.policy = policy;
        this.overflow = new EphemeralVolumes(controllerId, clock);
    }

    @Override
    public VolumeLease lease(ManagedHost host, ProvisionRequest req, boolean forceFresh) throws ProvisioningException {
        if (req.cacheKey() == null) {
            return overflow.lease(host, req, forceFresh);
        }
        String agent = req.identity().agentName();
        Set<String> skipped = new HashSet<>();
        while (true) {
            CacheVolume v;
            boolean create = false;
            Pool p;
            synchronized (this) {
                p = pool(host.name(), req.cacheKey());
                p.settings = req.cache();
                v = forceFresh ? null : p.volumes.stream()
                        .filter(x -> x.state == State.IDLE && !skipped.contains(x.name))
                        .max(Comparator.comparing(x -> x.lastUsed)).orElse(null);
                if (v == null && p.volumes.size() < p.settings.maxVolumes()) {
                    v = new CacheVolume(volumeName(req.cacheKey()), host.name(), req.cacheKey(), State.LEASED, clock.instant());
                    p.volumes.add(v);
                    create = true;
                }
                if (v == null) {
                    p.misses++;
                } else {
                    v.state = State.LEASED;
                    v.leasedBy = agent;
                    v.generation++;
                }
            }
            if (v == null) {
                return overflow.lease(host, req, true); // pool full and busy: this agent starts cold
            }
            if (create) {
                try {
                    createVolume(host, v, req);
                } catch (ProvisioningException | RuntimeException e) {
                    synchronized (this) {
                        p.volumes.remove(v);
                    }
                    throw e instanceof ProvisioningException pe ? pe
                            : FailureClassifier.classify(e, host.name(), "creating cache volume " + v.name);
                }
                synchronized (this) {
                    p.misses++;
                    return new Lease(host, v, true);
                }
            }
            List<Container> users;
            try {
                users = host.api().listContainersCmd().withShowAll(true).withVolumeFilter(List.of(v.name)).exec();
            } catch (RuntimeException e) {
                synchronized (this) {
                    v.state = State.IDLE;
                    v.leasedBy = null;
                }
                throw FailureClassifier.classify(e, host.name(), "checking who uses cache volume " + v.name);
            }
            synchronized (this) {
                if (users.isEmpty()) {
                    p.hits++;
                    return new Lease(host, v, false);
                }
                // Someone else's container mounts it (a leftover the reaper has not removed yet): never share it.
                v.leasedBy = "container " + ContainerExec.shortId(users.get(0).getId());
                skipped.add(v.name);
            }
        }
    }

    private void createVolume(ManagedHost host, CacheVolume v, ProvisionRequest req) throws ProvisioningException {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.ROLE, ROLE);
        labels.put(Labels.CONTROLLER, controllerId);
        labels.put(Labels.CACHE_KEY, v.cacheKey);
        labels.put(Labels.CREATED_AT, v.lastUsed.toString());
        host.api().createVolumeCmd().withName(v.name).withLabels(labels).exec();
        String golden = req.cache().goldenVolume();
        if (golden != null) {
            try {
                CacheWarmup.cloneGolden(host, policy, controllerId, golden, v.name, req.spec());
            } catch (ProvisioningException | RuntimeException e) {
                removeVolume(host.api(), v.name);
                throw e;
            }
        }
    }

    private String volumeName(String cacheKey) {
        return "sca-cache-" + cacheKey + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Pool pool(String host, String key) {
        return pools.computeIfAbsent(host + "\u0000" + key, k -> new Pool(host, key));
    }

    @Override
    public synchronized int idleVolumes(String hostName, String cacheKey) {
        Pool p = pools.get(hostName + "\u0000" + cacheKey);
        return p == null ? 0 : (int) p.volumes.stream().filter(v -> v.state == State.IDLE).count();
    }

    /** The lease of one cache volume; released exactly once. */
    private final class Lease implements VolumeLease {
        private final ManagedHost host;
        private final CacheVolume v;
        private final boolean fresh;
        private final long generation;

        /** Call with the pool's lock held: the lease is for the volume's current generation. */
        Lease(ManagedHost host, CacheVolume v, boolean fresh) {
            this.host = host;
            this.v = v;
            this.fresh = fresh;
            this.generation = v.generation;
        }

        @Override
        public String volumeName() {
            return v.name;
        }

        @Override
        public String hostName() {
            return host.name();
        }

        @Override
        public boolean fresh() {
            return fresh;
        }

        @Override
        public void release(boolean healthy) {
            boolean remove;
            synchronized (CacheVolumePool.this) {
                if (v.state != State.LEASED || v.generation != generation) {
                    return; // released already, by this lease or by the reaper for an orphan
                }
                v.generation++;
                String holder = v.leasedBy;
                v.leasedBy = null;
                if (healthy) {
                    v.state = State.IDLE;
                    v.lastUsed = clock.instant();
                    ledger.used(v.name, v.lastUsed);
                    return;
                }
                Pool p = pool(v.host, v.cacheKey);
                remove = !p.settings.keepQuarantined();
                if (remove) {
                    p.volumes.remove(v);
                } else {
                    v.state = State.QUARANTINED;
                    v.lastUsed = clock.instant(); // kept for inspection for the pool's idle time-to-live
                    v.note = (holder == null ? "its agent" : holder) + " ended abnormally at " + v.lastUsed;
                    ledger.used(v.name, v.lastUsed); // from the quarantine, also after a restart
                    ledger.quarantine(v.name);
                }
            }
            if (remove) {
                removeVolume(host.api(), v.name);
                ledger.forget(v.name);
            }
        }
    }

    static boolean removeVolume(DockerClient docker, String name) {
        try {
            docker.removeVolumeCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return true;
        } catch (ConflictException e) {
            return false; // in use: Docker refuses, which is what we want
        }
    }

    /**
     * Rebuilds this host's pools from Docker after a restart: every cache volume labelled with this controller's id
     * is known again (idle, or quarantined per the ledger), and every volume named in the labels of one of this
     * controller's containers is leased to that container's agent.
     */
    public void recover(ManagedHost host, List<Container> ourContainers) {
        List<InspectVolumeResponse> vols = host.api().listVolumesCmd()
                .withFilter("label", List.of(Labels.ROLE + "=" + ROLE, Labels.CONTROLLER + "=" + controllerId))
                .exec().getVolumes();
        synchronized (this) {
            for (InspectVolumeResponse iv : vols == null ? List.<InspectVolumeResponse>of() : vols) {
                Map<String, String> l = iv.getLabels() == null ? Map.of() : iv.getLabels();
                String key = l.get(Labels.CACHE_KEY);
                if (key == null || find(host.name(), iv.getName()) != null) {
                    continue;
                }
                Instant used = ledger.lastUsed(iv.getName());
                if (used == null) {
                    used = parse(l.get(Labels.CREATED_AT));
                }
                State s = ledger.isQuarantined(iv.getName()) ? State.QUARANTINED : State.IDLE;
                String note = s == State.QUARANTINED ? "quarantined before this engine started (an agent ended abnormally)" : null;
                CacheVolume v = new CacheVolume(iv.getName(), host.name(), key, s, used);
                v.note = note;
                pool(host.name(), key).volumes.add(v);
            }
            for (Container c : ourContainers) {
                Map<String, String> l = c.getLabels() == null ? Map.of() : c.getLabels();
                CacheVolume v = find(host.name(), l.get(Labels.CACHE_VOLUME));
                if (v != null && v.state != State.QUARANTINED) {
                    v.state = State.LEASED;
                    v.leasedBy = l.getOrDefault(Labels.AGENT, "container " + ContainerExec.shortId(c.getId()));
                }
            }
        }
    }

    /**
     * Ends the lease an agent still holds after its container was removed by someone else (the reaper): the volume's
     * state is unknown, so it is quarantined like after an abnormal end.
     */
    public void releaseOrphaned(ManagedHost host, String agent) {
        List<CacheVolume> held;
        synchronized (this) {
            held = poolsOn(host.name()).stream().flatMap(p -> p.volumes.stream())
                    .filter(v -> v.state == State.LEASED && agent.equals(v.leasedBy)).toList();
        }
        for (CacheVolume v : held) {
            VolumeLease l;
            synchronized (this) {
                l = new Lease(host, v, false);
            }
            l.release(false);
        }
    }

    /**
     * Volumes kept out of circulation because some other container used them are given back once Docker says no
     * container uses them any more. Called by the periodic maintenance.
     */
    public List<String> recheckBlocked(ManagedHost host) {
        List<CacheVolume> blocked;
        synchronized (this) {
            blocked = poolsOn(host.name()).stream().flatMap(p -> p.volumes.stream())
                    .filter(v -> v.state == State.LEASED && v.leasedBy != null
                            && (v.leasedBy.startsWith("container ") || v.leasedBy.equals(UNKNOWN_USER)))
                    .toList();
        }
        List<String> freed = new ArrayList<>();
        for (CacheVolume v : blocked) {
            if (host.api().listContainersCmd().withShowAll(true).withVolumeFilter(List.of(v.name)).exec().isEmpty()) {
                synchronized (this) {
                    if (v.state == State.LEASED && (v.leasedBy.startsWith("container ") || v.leasedBy.equals(UNKNOWN_USER))) {
                        v.state = State.IDLE;
                        v.leasedBy = null;
                        v.generation++;
                        freed.add(v.name);
                    }
                }
            }
        }
        return freed;
    }

    /** A lease object for a volume recovered as leased to {@code agent}, so that its agent can be terminated. */
    synchronized VolumeLease reattach(ManagedHost host, String volume, String agent) {
        CacheVolume v = find(host.name(), volume);
        if (v == null || v.state != State.LEASED || !agent.equals(v.leasedBy)) {
            return null;
        }
        return new Lease(host, v, false);
    }

    synchronized CacheVolume find(String host, String volume) {
        if (volume == null) {
            return null;
        }
        for (Pool p : pools.values()) {
            if (p.host.equals(host)) {
                for (CacheVolume v : p.volumes) {
                    if (v.name.equals(volume)) {
                        return v;
                    }
                }
            }
        }
        return null;
    }

    synchronized List<Pool> poolsOn(String host) {
        return pools.values().stream().filter(p -> p.host.equals(host)).toList();
    }

    /** Every pool's state. */
    public synchronized List<CacheStats> stats() {
        List<CacheStats> out = new ArrayList<>();
        for (Pool p : pools.values()) {
            out.add(new CacheStats(p.host, p.key, p.volumes.stream().map(CacheVolume::info).toList(), p.hits, p.misses,
                    p.evictions));
        }
        return out;
    }

    /** When this host's volume sizes were last read from Docker (kept here so every evictor sees it). */
    synchronized Instant lastSizeRefresh(String host) {
        return lastSizeRefresh.get(host);
    }

    synchronized void sizesRefreshed(String host, Instant when) {
        lastSizeRefresh.put(host, when);
    }

    CacheLedger ledger() {
        return ledger;
    }

    Clock clock() {
        return clock;
    }

    private static Instant parse(String s) {
        try {
            return s == null ? Instant.EPOCH : Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
