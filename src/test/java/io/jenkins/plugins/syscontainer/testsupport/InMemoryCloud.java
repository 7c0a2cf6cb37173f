package io.jenkins.plugins.syscontainer.testsupport;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.slaves.Cloud;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.Placement;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.cache.CacheVolumePool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A system container cloud whose agents are {@link InMemoryBackend} agents: the real cloud, templates, provisioning,
 * retention, queue guard and step, over a backend that needs no Docker. Its places are looked up by the cloud's name
 * (a save of Jenkins' configuration keeps them).
 */
public class InMemoryCloud extends SystemContainerCloud {
    private static final Map<String, InMemoryBackend.Places> PLACES = new ConcurrentHashMap<>();

    public InMemoryCloud(String name, InMemoryBackend.Places places) {
        super(name);
        PLACES.put(name, places);
    }

    public InMemoryBackend.Places places() {
        return PLACES.get(name);
    }

    /** The backend now (built if needed). */
    public InMemoryBackend backend() {
        return (InMemoryBackend) engine();
    }

    /** A template for in-memory agents: one build each, its agent's files under {@code remoteFs}. */
    public static AgentTemplate template(String name, Path remoteFs) {
        AgentTemplate t = new AgentTemplate(name);
        t.setLabelString(name);
        t.setImage("sca-test/in-memory:1");
        t.setMemoryMb(512);
        t.setRemoteFs(remoteFs.toString());
        t.setAllowInPipelines(true);
        t.setPullPolicy(AgentTemplate.PULL_NEVER);
        t.setLaunchTimeoutSeconds(60);
        return t;
    }

    @Override
    protected Placement placement() {
        InMemoryBackend.Places p = places();
        return new Placement() {
            @Override
            public String fingerprint() {
                return "in-memory|" + System.identityHashCode(p);
            }

            @Override
            public AgentBackend build(String scope, SecurityPolicy policy, Path ledger, AgentBackend previous) {
                CacheVolumePool pool = previous instanceof InMemoryBackend b ? b.pool() : null; // a decorated one starts anew
                return p.decorate.apply(new InMemoryBackend(scope, policy, p, pool));
            }

            @Override
            public Map<String, String> places() {
                return p.all().stream().collect(Collectors.toMap(x -> x.name, x -> "memory://" + x.name, (a, b) -> a,
                        java.util.LinkedHashMap::new));
            }

            @Override
            public Map<String, Long> cacheBudgets() {
                return Map.of();
            }

            @Override
            public ProbeResult probe(String place, SecurityPolicy policy, SystemContainerSpec spec, Duration timeout) {
                return new ProbeResult(place, List.of());
            }

            @Override
            public List<String> problems() {
                return List.of();
            }
        };
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<Cloud> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "In-memory system containers (tests only)";
        }
    }
}
