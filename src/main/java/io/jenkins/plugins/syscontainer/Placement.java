package io.jenkins.plugins.syscontainer;

import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where a cloud's agents run: a list of Docker hosts ({@link DockerHostsPlacement}), or a Kubernetes namespace. It
 * says what its backend is built from and builds it; the cloud, its templates, the step, the caps and the status page
 * are the same whatever the placement.
 */
public interface Placement {
    /** Every setting the backend is built from, credentials by id only (no look-up): a change builds a new backend. */
    String fingerprint();

    /**
     * Builds the backend: on a pool thread, never under a lock (it may look up credentials). {@code previous} is the
     * backend it replaces, or null, so that state such as cache leases carries over.
     */
    AgentBackend build(String scope, SecurityPolicy policy, Path ledger, AgentBackend previous);

    /** The places, by name, with their endpoints, as configured (no call to them). */
    Map<String, String> places();

    /** Each place's cache size budget in bytes (places not named get the engine's default). */
    Map<String, Long> cacheBudgets();

    /** Checks one place really runs Sysbox, with a probe agent. Talks to the place: not for request threads. */
    ProbeResult probe(String place, SecurityPolicy policy, SystemContainerSpec spec, Duration timeout)
            throws IOException, InterruptedException;

    /** Problems a save must refuse, naming the field, or an empty list. */
    List<String> problems();

    /** The probe's places (for the status page's runtime check): every configured place. */
    default List<String> placeNames() {
        return List.copyOf(places().keySet());
    }
}
