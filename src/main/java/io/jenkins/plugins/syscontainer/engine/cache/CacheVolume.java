package io.jenkins.plugins.syscontainer.engine.cache;

import io.jenkins.plugins.syscontainer.engine.CacheStats;
import java.time.Instant;

/** One cache volume as the pool tracks it. Guarded by the pool's lock. */
final class CacheVolume {
    enum State { LEASED, IDLE, QUARANTINED }

    final String name;
    final String host;
    final String cacheKey;
    State state;
    /** The agent holding the lease, when leased. */
    String leasedBy;
    Instant lastUsed;
    /** Incremented at every lease, so that only the current lease can release the volume. */
    long generation;
    /** Why it is quarantined, for people: which agent ended abnormally on it, and when. */
    String note;
    /** Bytes as of the last disk-usage refresh, or -1 when not measured yet. */
    long sizeBytes = -1;

    CacheVolume(String name, String host, String cacheKey, State state, Instant lastUsed) {
        this.name = name;
        this.host = host;
        this.cacheKey = cacheKey;
        this.state = state;
        this.lastUsed = lastUsed;
    }

    CacheStats.VolumeInfo info() {
        return new CacheStats.VolumeInfo(name, state.name().toLowerCase(java.util.Locale.ROOT), sizeBytes, lastUsed, leasedBy,
                state == State.QUARANTINED ? note : null);
    }
}
