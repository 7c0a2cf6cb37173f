package io.jenkins.plugins.syscontainer.engine;

import java.time.Instant;

/**
 * A place agents go to, as the backend sees it now: reachable or in back-off (until {@code retryAt}, after
 * {@code failures} failures since {@code downSince}, the last one {@code lastError}), whether its state was recovered,
 * and its slots.
 */
public record HostStatus(String name, String endpoint, boolean available, Instant downSince, Instant retryAt,
        String lastError, int failures, boolean recovered, int agents, int maxAgents) {
}
