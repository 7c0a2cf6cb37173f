package io.jenkins.plugins.syscontainer.engine.docker;

import io.jenkins.plugins.syscontainer.engine.cache.VolumeProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders the hosts an agent could go to. Excluded: unhealthy hosts (in backoff) and full ones. Preferred, in order:
 * a host holding an idle cache volume for the agent's cache key (the agent starts warm), then the host with the most
 * free slots (spreads load). Works on in-memory state only: no Docker call, so it is cheap enough for Jenkins'
 * provisioning loop.
 */
public final class HostScheduler {
    private final VolumeProvider volumes;

    public HostScheduler(VolumeProvider volumes) {
        this.volumes = volumes;
    }

    /** The candidates, best first, and why each other host was left out. */
    public record Plan(List<ManagedHost> candidates, List<String> excluded) {
        public String explainEmpty() {
            return excluded.isEmpty() ? "no Docker hosts are configured" : String.join("; ", excluded);
        }
    }

    public Plan plan(List<ManagedHost> hosts, String cacheKey) {
        List<ManagedHost> ok = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (ManagedHost h : hosts) {
            if (!h.health().isAvailable()) {
                excluded.add("host '" + h.name() + "' is " + h.health());
            } else if (!h.isRecovered()) {
                excluded.add("host '" + h.name() + "' has not been recovered yet (its running agents and cache volumes"
                        + " are not known; it is recovered as soon as it answers)");
            } else if (h.freeSlots() == 0) {
                excluded.add("host '" + h.name() + "' is full (" + h.config().maxAgents() + " agents)");
            } else {
                ok.add(h);
            }
        }
        Comparator<ManagedHost> warmFirst = Comparator.comparingInt(
                h -> cacheKey != null && volumes.idleVolumes(h.name(), cacheKey) > 0 ? 0 : 1);
        ok.sort(warmFirst.thenComparing(Comparator.comparingInt(ManagedHost::freeSlots).reversed())
                .thenComparing(ManagedHost::name));
        return new Plan(ok, excluded);
    }
}
