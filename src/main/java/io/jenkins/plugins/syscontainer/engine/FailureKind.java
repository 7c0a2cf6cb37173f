package io.jenkins.plugins.syscontainer.engine;

/**
 * What went wrong when provisioning, and what the caller should do about it. The Jenkins layer turns this into
 * "fail the build fast" versus "provision elsewhere".
 */
public enum FailureKind {
    /** The template or spec is invalid; the message names the field. Never retried. */
    BAD_TEMPLATE(false, false),
    /**
     * The image is not on the host and cannot be pulled there (or a preload was refused by its registry). Another host
     * may have it; only when every healthy host refused does it speak for the template.
     */
    IMAGE_MISSING(false, true),
    /** The host has no such runtime; another host may. Run {@code runtime-node/sysbox-node validate} on it. */
    RUNTIME_MISSING(false, true),
    /** The host did not answer or timed out; try another host. */
    HOST_UNAVAILABLE(false, true),
    /** The inner Docker did not become ready in time; retry once with a fresh cache volume. */
    INNER_DOCKER_NOT_READY(true, true),
    /** Anything else. */
    UNKNOWN(false, true);

    private final boolean retryOnFreshCache;
    private final boolean tryElsewhere;

    FailureKind(boolean retryOnFreshCache, boolean tryElsewhere) {
        this.retryOnFreshCache = retryOnFreshCache;
        this.tryElsewhere = tryElsewhere;
    }

    /** Whether one more attempt with a fresh cache volume is worthwhile. */
    public boolean retryOnFreshCache() {
        return retryOnFreshCache;
    }

    /** Whether provisioning on another host (or later) may succeed; false means fail the build now. */
    public boolean tryElsewhere() {
        return tryElsewhere;
    }

    /**
     * Whether the failure, once the engine gives it as final, says the template cannot work (so Jenkins stops asking
     * for it for a while): a bad setting, or an image every healthy host refused.
     */
    public boolean templateFatal() {
        return this == BAD_TEMPLATE || this == IMAGE_MISSING;
    }
}
