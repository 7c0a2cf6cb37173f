package io.jenkins.plugins.syscontainer.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * One agent to provision: who it is, what to run, which cache pool to lease from (null: a throw-away volume) and
 * how long the inner Docker may take to answer.
 */
public record ProvisionRequest(AgentIdentity identity, SystemContainerSpec spec, String cacheKey, Duration readyTimeout) {
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

    public ProvisionRequest {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(spec, "spec");
        if (readyTimeout == null) {
            readyTimeout = DEFAULT_READY_TIMEOUT;
        }
        if (readyTimeout.isNegative() || readyTimeout.isZero() || readyTimeout.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new IllegalArgumentException("readyTimeout must be between 1 s and 30 min, not " + readyTimeout);
        }
    }
}
