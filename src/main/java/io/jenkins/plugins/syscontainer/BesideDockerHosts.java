package io.jenkins.plugins.syscontainer;

import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes placement in a cloud that lists Docker hosts too: it builds what the placement builds, but a save is
 * refused, naming the field (a cloud places its agents on Docker hosts or on Kubernetes, not both).
 */
record BesideDockerHosts(Placement kubernetes) implements Placement {
    @Override
    public String fingerprint() {
        return kubernetes.fingerprint();
    }

    @Override
    public AgentBackend build(String scope, SecurityPolicy policy, Path ledger, AgentBackend previous) {
        return kubernetes.build(scope, policy, ledger, previous);
    }

    @Override
    public Map<String, String> places() {
        return kubernetes.places();
    }

    @Override
    public Map<String, Long> cacheBudgets() {
        return kubernetes.cacheBudgets();
    }

    @Override
    public ProbeResult probe(String place, SecurityPolicy policy, SystemContainerSpec spec, Duration timeout)
            throws IOException, InterruptedException {
        return kubernetes.probe(place, policy, spec, timeout);
    }

    @Override
    public List<String> problems() {
        List<String> out = new ArrayList<>(List.of("field 'kubernetes': a cloud places its agents on Docker hosts or on"
                + " Kubernetes, not both; remove the Docker hosts or the Kubernetes placement"));
        out.addAll(kubernetes.problems());
        return out;
    }
}
