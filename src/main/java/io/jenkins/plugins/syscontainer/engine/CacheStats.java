package io.jenkins.plugins.syscontainer.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A pool's state for the UI and the CLI: its volumes, and how often it was hit, missed and evicted. */
public record CacheStats(String host, String cacheKey, List<VolumeInfo> volumes, long hits, long misses, long evictions) {
    /** {@code note}: why a quarantined volume is quarantined (null otherwise). */
    public record VolumeInfo(String name, String state, long sizeBytes, Instant lastUsed, String leasedBy, String note) {
        String toJson() {
            return "{\"name\":" + Json.quote(name) + ",\"state\":" + Json.quote(state) + ",\"size_bytes\":" + sizeBytes
                    + ",\"last_used\":" + Json.quote(lastUsed == null ? null : lastUsed.toString())
                    + ",\"leased_by\":" + Json.quote(leasedBy) + ",\"note\":" + Json.quote(note) + "}";
        }
    }

    public long totalBytes() {
        return volumes.stream().mapToLong(v -> Math.max(0, v.sizeBytes())).sum();
    }

    public String toJson() {
        List<String> vs = new ArrayList<>();
        volumes.forEach(v -> vs.add(v.toJson()));
        return "{\"host\":" + Json.quote(host) + ",\"cache_key\":" + Json.quote(cacheKey) + ",\"hits\":" + hits
                + ",\"misses\":" + misses + ",\"evictions\":" + evictions + ",\"total_bytes\":" + totalBytes()
                + ",\"volumes\":[" + String.join(",", vs) + "]}";
    }
}
