package io.jenkins.plugins.syscontainer.engine.docker;

import io.jenkins.plugins.syscontainer.engine.ExecResult;
import java.time.Duration;
import java.util.List;

/**
 * Waits until the Docker engine inside a system container answers. One exec runs a polling loop inside the container
 * (socket present, then {@code docker info} reports a storage driver) rather than one API round trip per poll: readiness is seen
 * within one 50 ms tick and the engine spends no CPU polling.
 */
final class InnerDockerReadiness {
    static final String POLL_INTERVAL = "0.05";

    private InnerDockerReadiness() {
    }

    /** The storage driver the inner Docker reports, once it answers. */
    static String await(ContainerExec exec, String containerId, Duration timeout)
            throws InterruptedException, NotReadyException {
        long ticks = Math.max(1, timeout.toMillis() / 50);
        // `docker info` can exit 0 with an empty server section while the daemon is still starting: require a driver.
        String script = "i=0; while [ $i -lt " + ticks + " ]; do "
                + "if [ -S /var/run/docker.sock ] && d=$(docker info --format '{{.Driver}}' 2>/dev/null) && [ -n \"$d\" ]; "
                + "then echo \"$d\"; exit 0; fi; "
                + "i=$((i+1)); sleep " + POLL_INTERVAL + "; done; echo 'inner Docker did not answer' >&2; exit 75";
        ExecResult r;
        try {
            r = exec.run(containerId, List.of("sh", "-c", script), null, null, timeout.plusSeconds(10));
        } catch (ExecResult.TimeoutException e) {
            throw new NotReadyException(e.getMessage());
        }
        if (!r.ok()) {
            throw new NotReadyException("exit code " + r.exitCode() + ": " + (r.stderr() + r.stdout()).strip());
        }
        return r.stdout().strip();
    }

    static final class NotReadyException extends Exception {
        private static final long serialVersionUID = 1L;

        NotReadyException(String message) {
            super(message);
        }
    }
}
