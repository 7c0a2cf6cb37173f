package io.jenkins.plugins.syscontainer;

import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.cache.CacheLedger;
import io.jenkins.plugins.syscontainer.engine.docker.DockerBackend;
import io.jenkins.plugins.syscontainer.engine.docker.DockerHost;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Agents on a list of Docker hosts that this plugin schedules across itself (the cloud's {@code hosts}). */
public final class DockerHostsPlacement implements Placement {
    private final List<DockerHostEntry> hosts;

    public DockerHostsPlacement(List<DockerHostEntry> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public String fingerprint() {
        StringBuilder fp = new StringBuilder("docker");
        for (DockerHostEntry h : hosts) {
            fp.append('|').append(h.fingerprint());
        }
        return fp.toString();
    }

    @Override
    public AgentBackend build(String scope, SecurityPolicy policy, Path ledger, AgentBackend previous) {
        List<DockerHost> dockerHosts = new ArrayList<>();
        for (DockerHostEntry h : hosts) {
            dockerHosts.add(h.toDockerHost(h.resolveTls()));
        }
        return new DockerBackend(scope, dockerHosts, policy, new CacheLedger(ledger), Clock.systemUTC(), null,
                previous instanceof DockerBackend d ? d.cachePool() : null);
    }

    @Override
    public Map<String, String> places() {
        Map<String, String> m = new LinkedHashMap<>();
        hosts.forEach(h -> m.put(h.getName(), h.getUri()));
        return m;
    }

    @Override
    public Map<String, Long> cacheBudgets() {
        Map<String, Long> m = new LinkedHashMap<>();
        hosts.forEach(h -> m.put(h.getName(), (long) h.getCacheBudgetGb() << 30));
        return m;
    }

    @Override
    public ProbeResult probe(String place, SecurityPolicy policy, SystemContainerSpec spec, Duration timeout)
            throws IOException, InterruptedException {
        DockerHostEntry entry = hosts.stream().filter(h -> h.getName().equals(place)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Docker host named '" + place + "'"));
        return DockerHostEntry.probe(entry, policy, spec, timeout);
    }

    @Override
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (DockerHostEntry h : hosts) {
            String p = DockerHostEntry.nameProblem(h.getName());
            if (p != null) {
                out.add("Docker host '" + h.getName() + "': field 'name' " + p);
            } else if (!seen.add(h.getName())) {
                out.add(Messages.SystemContainerCloud_DuplicateHost(h.getName()));
            }
            String u = DockerHostEntry.uriProblem(h.getUri());
            if (u != null) {
                out.add("Docker host '" + h.getName() + "': field 'uri' " + u);
            }
        }
        return out;
    }
}
