package io.jenkins.plugins.syscontainer.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** A pool's state for the UI and the CLI: its volumes, and how often it was hit, missed and evicted. */
public record CacheStats(String host, String cacheKey, List<VolumeInfo> volumes, long hits, long misses, long evictions) {
    /** {@code note}: why a quarantined volume is quarantined (null otherwise). */
    public record VolumeInfo(String name, String state, long sizeBytes, Instant lastUsed, String leasedBy, String note) {
    }

    @JsonProperty("total_bytes")
    public long totalBytes() {
        return volumes.stream().mapToLong(v -> Math.max(0, v.sizeBytes())).sum();
    }

    public String toJson() {
        return EngineJson.write(this);
    }
}
