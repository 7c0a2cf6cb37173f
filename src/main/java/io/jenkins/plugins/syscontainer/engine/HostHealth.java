package io.jenkins.plugins.syscontainer.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a host may be used now. A failure marks it unhealthy for an exponentially growing time (5 s, 10 s, 20 s …
 * up to 5 minutes); after that it is tried again by itself, and a success clears the record.
 */
public final class HostHealth {
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final Clock clock;
    private int failures;
    private Instant retryAt = Instant.MIN;
    private String lastError;
    private Instant downSince;

    public HostHealth(Clock clock) {
        this.clock = clock;
    }

    public synchronized boolean isAvailable() {
        return !clock.instant().isBefore(retryAt);
    }

    public synchronized void markFailure(String reason) {
        if (failures == 0) {
            downSince = clock.instant();
        }
        failures++;
        Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 16));
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
            backoff = MAX_BACKOFF;
        }
        retryAt = clock.instant().plus(backoff);
        lastError = reason;
    }

    public synchronized void markSuccess() {
        failures = 0;
        retryAt = Instant.MIN;
        lastError = null;
        downSince = null;
    }

    /** When the current run of failures began, or null when the last call succeeded. */
    public synchronized Instant downSince() {
        return downSince;
    }

    public synchronized int consecutiveFailures() {
        return failures;
    }

    /** When the host will be tried again, or null when it is available. */
    public synchronized Instant retryAt() {
        return isAvailable() ? null : retryAt;
    }

    public synchronized String lastError() {
        return lastError;
    }

    @Override
    public synchronized String toString() {
        return isAvailable() ? "healthy" : "unhealthy until " + retryAt + " after " + failures + " failure(s): " + lastError;
    }
}
