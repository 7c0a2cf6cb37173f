package io.jenkins.plugins.syscontainer;

import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last <em>Test connection</em> result of each host as it was typed on a configuration page (name, URI,
 * credentials), saved or not, so that the cloud's status page shows it instead of "not checked yet" once the host is
 * saved as tested. Memory only, bounded, gone at a restart.
 */
public final class TestConnectionResults {
    private static final int MAX = 200;
    private static final Map<String, Result> RESULTS = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Result> eldest) {
            return size() > MAX;
        }
    };

    private TestConnectionResults() {
    }

    /** A probe's result and when it ended. */
    public record Result(Instant at, ProbeResult report) {
    }

    private static String key(DockerHostEntry h) {
        return h.getName() + "\n" + h.getUri() + "\n" + (h.getCredentialsId() == null ? "" : h.getCredentialsId());
    }

    static void record(DockerHostEntry host, ProbeResult report) {
        synchronized (RESULTS) {
            RESULTS.put(key(host), new Result(Instant.now(), report));
        }
    }

    /** The last Test connection of a host with this name, URI and credentials, or null. */
    public static Result latest(DockerHostEntry host) {
        synchronized (RESULTS) {
            return RESULTS.get(key(host));
        }
    }
}
