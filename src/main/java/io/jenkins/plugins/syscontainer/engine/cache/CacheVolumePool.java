package io.jenkins.plugins.syscontainer.engine.cache;

import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.cache.CacheVolume.State;
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
    public static final String ROLE = "cache-volume";
    /** leasedBy of a volume Docker refused to remove because something mounts it. */
    static final String UNKNOWN_USER = "unknown container";
    private final Map<String, Instant> lastSizeRefresh = new java.util.HashMap<>();

    private final String controllerId;
    private final Clock clock;
    private final CacheLedger ledger;
    private final EphemeralVolumes overflow;
    private final VolumeRemovals removals = new VolumeRemovals();
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

    public CacheVolumePool(String controllerId, Clock clock, CacheLedger ledger) {
        this.controllerId = controllerId;
        this.clock = clock;
        this.ledger = ledger;
        this.overflow = new EphemeralVolumes(controllerId, clock, removals);
    }

    public String controllerId() {
        return controllerId;
    }

    @Override
    public VolumeLease lease(VolumeStore host, ProvisionRequest req, boolean forceFresh) throws ProvisioningException {
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
                p = pool(host.place(), req.cacheKey());
                p.settings = req.cache();
                v = forceFresh ? null : p.volumes.stream()
                        .filter(x -> x.state == State.IDLE && !skipped.contains(x.name))
                        .max(Comparator.comparing(x -> x.lastUsed)).orElse(null);
                if (v == null && p.volumes.size() < p.settings.maxVolumes()) {
                    v = new CacheVolume(volumeName(req.cacheKey()), host.place(), req.cacheKey(), State.LEASED, clock.instant());
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
                    throw e;
                }
                synchronized (this) {
                    p.misses++;
                    return new Lease(host, v, true);
                }
            }
            List<String> users;
            try {
                users = host.users(v.name);
            } catch (ProvisioningException | RuntimeException e) {
                synchronized (this) {
                    v.state = State.IDLE;
                    v.leasedBy = null;
                }
                throw e;
            }
            synchronized (this) {
                if (users.isEmpty()) {
                    p.hits++;
                    return new Lease(host, v, false);
                }
                // Someone else's container mounts it (a leftover the reaper has not removed yet): never share it.
                v.leasedBy = "container " + users.get(0);
                skipped.add(v.name);
            }
        }
    }

    private void createVolume(VolumeStore host, CacheVolume v, ProvisionRequest req) throws ProvisioningException {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.ROLE, ROLE);
        labels.put(Labels.CONTROLLER, controllerId);
        labels.put(Labels.CACHE_KEY, v.cacheKey);
        labels.put(Labels.CREATED_AT, v.lastUsed.toString());
        host.create(v.name, labels);
        String golden = req.cache().goldenVolume();
        if (golden != null) {
            try {
                host.cloneFrom(golden, v.name, req.spec());
            } catch (ProvisioningException | RuntimeException e) {
                host.remove(v.name);
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
        private final VolumeStore host;
        private final CacheVolume v;
        private final boolean fresh;
        private final long generation;

        /** Call with the pool's lock held: the lease is for the volume's current generation. */
        Lease(VolumeStore host, CacheVolume v, boolean fresh) {
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
            return host.place();
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
                removals.remove(host, v.name); // still mounted, or the host not answering: tried again later
                ledger.forget(v.name);
            }
        }
    }

    /**
     * Rebuilds this place's pools after a restart (or once the place answers again): every cache volume labelled with
     * this controller's id is known again (idle, or quarantined per the ledger), and every volume that one of this
     * controller's containers mounts is leased to that container's agent. Volumes known already keep their state.
     *
     * @param mountedBy cache volume name to the agent (or container) that mounts it
     */
    public void recover(VolumeStore host, Map<String, String> mountedBy) {
        Map<String, Map<String, String>> vols = host.list(Map.of(Labels.ROLE, ROLE, Labels.CONTROLLER, controllerId));
        synchronized (this) {
            for (Map.Entry<String, Map<String, String>> e : vols.entrySet()) {
                String name = e.getKey();
                Map<String, String> l = e.getValue();
                String key = l.get(Labels.CACHE_KEY);
                if (key == null || find(host.place(), name) != null) {
                    continue;
                }
                Instant used = ledger.lastUsed(name);
                if (used == null) {
                    used = parse(l.get(Labels.CREATED_AT));
                }
                State s = ledger.isQuarantined(name) ? State.QUARANTINED : State.IDLE;
                CacheVolume v = new CacheVolume(name, host.place(), key, s, used);
                v.note = s == State.QUARANTINED ? "quarantined before this engine started (an agent ended abnormally)" : null;
                pool(host.place(), key).volumes.add(v);
            }
            for (Map.Entry<String, String> m : mountedBy.entrySet()) {
                CacheVolume v = find(host.place(), m.getKey());
                if (v != null && v.state == State.IDLE) {
                    v.state = State.LEASED;
                    v.leasedBy = m.getValue();
                    v.generation++;
                }
            }
        }
    }

    /** Tries again to remove the place's throw-away volumes whose removal failed; returns those still left. */
    public List<String> removeLeftovers(VolumeStore host) {
        return removals.retry(host);
    }

    /**
     * Ends the lease an agent still holds after its container was removed by someone else (the reaper): the volume's
     * state is unknown, so it is quarantined like after an abnormal end.
     */
    public void releaseOrphaned(VolumeStore host, String agent) {
        List<CacheVolume> held;
        synchronized (this) {
            held = poolsOn(host.place()).stream().flatMap(p -> p.volumes.stream())
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
    public List<String> recheckBlocked(VolumeStore host) throws ProvisioningException {
        List<CacheVolume> blocked;
        synchronized (this) {
            blocked = poolsOn(host.place()).stream().flatMap(p -> p.volumes.stream())
                    .filter(v -> v.state == State.LEASED && v.leasedBy != null
                            && (v.leasedBy.startsWith("container ") || v.leasedBy.equals(UNKNOWN_USER)))
                    .toList();
        }
        List<String> freed = new ArrayList<>();
        for (CacheVolume v : blocked) {
            if (host.users(v.name).isEmpty()) {
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
    public synchronized VolumeLease reattach(VolumeStore host, String volume, String agent) {
        CacheVolume v = find(host.place(), volume);
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
