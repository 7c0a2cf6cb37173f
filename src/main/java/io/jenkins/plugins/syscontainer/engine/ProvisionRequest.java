package io.jenkins.plugins.syscontainer.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * One agent to provision: who it is, what to run, which cache pool to lease from (null: a throw-away volume) and how
 * that pool behaves, how long the inner Docker may take to answer, and where the image comes from when the host
 * lacks it; and, optionally, work to start in the container while its inner Docker starts ({@link WhileStarting}).
 */
public record ProvisionRequest(AgentIdentity identity, SystemContainerSpec spec, String cacheKey, CacheSettings cache,
        Duration readyTimeout, ImageSource imageSource, WhileStarting whileStarting) {
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);
    private static final java.util.regex.Pattern CACHE_KEY = java.util.regex.Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

    /** A request with the default cache settings. */
    public ProvisionRequest(AgentIdentity identity, SystemContainerSpec spec, String cacheKey, Duration readyTimeout) {
        this(identity, spec, cacheKey, null, readyTimeout);
    }

    /** A request whose image is pulled anonymously when the host lacks it. */
    public ProvisionRequest(AgentIdentity identity, SystemContainerSpec spec, String cacheKey, CacheSettings cache,
            Duration readyTimeout) {
        this(identity, spec, cacheKey, cache, readyTimeout, null);
    }

    /** A request with nothing to do while the container starts. */
    public ProvisionRequest(AgentIdentity identity, SystemContainerSpec spec, String cacheKey, CacheSettings cache,
            Duration readyTimeout, ImageSource imageSource) {
        this(identity, spec, cacheKey, cache, readyTimeout, imageSource, null);
    }

    /** The same request, with work to start in the container while its inner Docker starts. */
    public ProvisionRequest withWhileStarting(WhileStarting work) {
        return new ProvisionRequest(identity, spec, cacheKey, cache, readyTimeout, imageSource, work);
    }

    public ProvisionRequest {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(spec, "spec");
        if (cacheKey != null && !CACHE_KEY.matcher(cacheKey).matches()) {
            throw new IllegalArgumentException("cache key '" + cacheKey + "' must be 1-64 characters of letters, digits,"
                    + " '_', '.', '-' (it is part of volume names)");
        }
        if (cache == null) {
            cache = CacheSettings.DEFAULTS;
        }
        if (readyTimeout == null) {
            readyTimeout = DEFAULT_READY_TIMEOUT;
        }
        if (imageSource == null) {
            imageSource = ImageSource.DEFAULT;
        }
        if (readyTimeout.isNegative() || readyTimeout.isZero() || readyTimeout.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new IllegalArgumentException("readyTimeout must be between 1 s and 30 min, not " + readyTimeout);
        }
    }
}
