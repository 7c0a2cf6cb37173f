package io.jenkins.plugins.syscontainer.engine;

import java.time.Duration;
import java.util.List;

/**
 * How a template's cache pool behaves: how many volumes it may keep per host, how long an idle volume lives, which
 * images a new volume is warmed with, an optional golden volume new volumes are cloned from, and whether a
 * quarantined volume is kept for inspection instead of removed.
 */
public record CacheSettings(int maxVolumes, Duration idleTtl, List<String> preloadImages, String goldenVolume,
        boolean keepQuarantined) {
    public static final int DEFAULT_MAX_VOLUMES = 4;
    public static final Duration DEFAULT_IDLE_TTL = Duration.ofDays(7);
    public static final CacheSettings DEFAULTS = new CacheSettings(DEFAULT_MAX_VOLUMES, DEFAULT_IDLE_TTL, List.of(), null, false);

    public CacheSettings {
        if (maxVolumes < 1 || maxVolumes > 1000) {
            throw new IllegalArgumentException("cache maxVolumes must be between 1 and 1000, not " + maxVolumes);
        }
        if (idleTtl == null || idleTtl.isNegative() || idleTtl.isZero()) {
            throw new IllegalArgumentException("cache idleTtl must be a positive duration, not " + idleTtl);
        }
        preloadImages = List.copyOf(preloadImages == null ? List.of() : preloadImages);
        for (String image : preloadImages) {
            String problem = ImageReference.problem(image);
            if (problem != null) {
                throw new IllegalArgumentException("cache preloadImages: '" + image + "' " + problem);
            }
        }
        if (goldenVolume != null && goldenVolume.isBlank()) {
            goldenVolume = null;
        }
    }

    public CacheSettings withMaxVolumes(int n) {
        return new CacheSettings(n, idleTtl, preloadImages, goldenVolume, keepQuarantined);
    }

    public CacheSettings withPreload(List<String> images) {
        return new CacheSettings(maxVolumes, idleTtl, images, goldenVolume, keepQuarantined);
    }

    public CacheSettings withGolden(String volume) {
        return new CacheSettings(maxVolumes, idleTtl, preloadImages, volume, keepQuarantined);
    }

    public CacheSettings withIdleTtl(Duration ttl) {
        return new CacheSettings(maxVolumes, ttl, preloadImages, goldenVolume, keepQuarantined);
    }

    public CacheSettings withKeepQuarantined(boolean keep) {
        return new CacheSettings(maxVolumes, idleTtl, preloadImages, goldenVolume, keep);
    }
}
