package io.jenkins.plugins.syscontainer.engine.cache;

import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.cache.CacheVolume.State;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Keeps each host's cache volumes within bounds: idle volumes, and quarantined ones kept for inspection, go once past
 * their pool's time-to-live; while a host's volumes together exceed its size budget, kept quarantined volumes go
 * first, then the least recently used idle one. A leased volume is never touched, even when it alone is over budget. Sizes come from Docker's disk-usage
 * report, refreshed at most once per {@code sizeRefresh}.
 */
public final class CacheEvictor {
    private final CacheVolumePool pool;
    private final Duration sizeRefresh;
    private final Map<String, Long> budgets;
    private final long defaultBudget;

    /**
     * @param budgets per-host size budgets in bytes; hosts not named get {@code defaultBudget}
     */
    public CacheEvictor(CacheVolumePool pool, Duration sizeRefresh, Map<String, Long> budgets, long defaultBudget) {
        this.pool = pool;
        this.sizeRefresh = sizeRefresh;
        this.budgets = Map.copyOf(budgets);
        this.defaultBudget = defaultBudget;
    }

    /** One pass over one host; returns the names of the evicted volumes. */
    public List<String> maintain(VolumeStore host) throws IOException, ProvisioningException {
        Instant now = pool.clock().instant();
        Instant last = pool.lastSizeRefresh(host.place());
        if (last == null || !last.plus(sizeRefresh).isAfter(now)) {
            refreshSizes(host);
            pool.sizesRefreshed(host.place(), now);
        }
        pool.recheckBlocked(host);
        List<String> evicted = new ArrayList<>();
        for (CacheVolumePool.Pool p : pool.poolsOn(host.place())) {
            for (CacheVolume v : snapshot(p)) {
                if (v.state != State.LEASED && v.lastUsed.plus(p.settings.idleTtl()).isBefore(now) && evict(host, p, v)) {
                    evicted.add(v.name);
                }
            }
        }
        long budget = budgets.getOrDefault(host.place(), defaultBudget);
        while (total(host) > budget) {
            CacheVolumePool.Pool owner = null;
            CacheVolume lru = null;
            for (CacheVolumePool.Pool p : pool.poolsOn(host.place())) {
                for (CacheVolume v : snapshot(p)) {
                    if (v.state != State.LEASED && (lru == null || evictsBefore(v, lru))) {
                        lru = v;
                        owner = p;
                    }
                }
            }
            if (lru == null || !evict(host, owner, lru)) {
                break; // nothing idle is left to evict: leased volumes are never evicted
            }
            evicted.add(lru.name);
        }
        return evicted;
    }

    /** Kept quarantined volumes go first (no agent will use them again), then the least recently used idle one. */
    private static boolean evictsBefore(CacheVolume a, CacheVolume b) {
        if ((a.state == State.QUARANTINED) != (b.state == State.QUARANTINED)) {
            return a.state == State.QUARANTINED;
        }
        return a.lastUsed.isBefore(b.lastUsed);
    }

    /** Evicts one volume by name, if it is idle or quarantined; false when it is leased or unknown. */
    public boolean evict(VolumeStore host, String volume) {
        for (CacheVolumePool.Pool p : pool.poolsOn(host.place())) {
            for (CacheVolume v : snapshot(p)) {
                if (v.name.equals(volume)) {
                    return evict(host, p, v);
                }
            }
        }
        return false;
    }

    private boolean evict(VolumeStore host, CacheVolumePool.Pool p, CacheVolume v) {
        synchronized (pool) {
            if (v.state == State.LEASED || !p.volumes.remove(v)) {
                return false;
            }
        }
        if (!host.remove(v.name)) {
            synchronized (pool) { // Docker says something mounts it after all: keep it out of circulation as leased
                v.state = State.LEASED;
                v.leasedBy = CacheVolumePool.UNKNOWN_USER;
                p.volumes.add(v);
            }
            return false;
        }
        pool.ledger().forget(v.name);
        synchronized (pool) {
            p.evictions++;
        }
        return true;
    }

    /** Re-reads the sizes of this host's volumes from Docker's disk-usage report. */
    public void refreshSizes(VolumeStore host) throws IOException {
        Map<String, Long> sizes = host.sizes();
        synchronized (pool) {
            for (CacheVolumePool.Pool p : pool.poolsOn(host.place())) {
                for (CacheVolume v : p.volumes) {
                    v.sizeBytes = sizes.getOrDefault(v.name, v.sizeBytes);
                }
            }
        }
    }

    private long total(VolumeStore host) {
        synchronized (pool) {
            return pool.poolsOn(host.place()).stream().flatMap(p -> p.volumes.stream())
                    .mapToLong(v -> Math.max(0, v.sizeBytes)).sum();
        }
    }

    private List<CacheVolume> snapshot(CacheVolumePool.Pool p) {
        synchronized (pool) {
            List<CacheVolume> l = new ArrayList<>(p.volumes);
            l.sort(Comparator.comparing(v -> v.lastUsed));
            return l;
        }
    }
}
