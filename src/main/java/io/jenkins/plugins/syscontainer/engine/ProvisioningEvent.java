package io.jenkins.plugins.syscontainer.engine;

import java.time.Duration;

/** One step of an agent's life, with how long it took; callers print these to a build log or collect them as timings. */
public record ProvisioningEvent(String agentName, Step step, Duration duration, String detail) {
    public enum Step {
        HOST_CHOSEN, VOLUME_LEASED, IMAGE_PULLED, CREATED, STARTED, INNER_DOCKER_READY, WARMED_UP, READY, FILE_COPIED, EXEC_ATTACHED,
        RETRY, FAILED, STOPPED, REMOVED, VOLUME_RELEASED, TERMINATED
    }

    @Override
    public String toString() {
        return agentName + ": " + step + " in " + duration.toMillis() + " ms" + (detail == null ? "" : " (" + detail + ")");
    }

    /** Receives events; implementations must be quick and must not throw. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = e -> { };

        void onEvent(ProvisioningEvent event);
    }
}
