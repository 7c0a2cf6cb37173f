package io.jenkins.plugins.syscontainer.engine.cache;

import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One new volume per agent, removed when the agent is gone: agents without a cache key start cold every time but
 * still keep their inner images off the container's writable layer.
 */
public final class EphemeralVolumes implements VolumeProvider {
    public static final String ROLE = "ephemeral-volume";
    /** At most this many unremoved volumes remembered per place; past it the reaper's pass over labels covers them. */
    static final int MAX_UNREMOVED = 1000;
    private final String controllerId;
    private final Clock clock;
    /**
     * Volumes whose agent is done (throw-away ones, and cache volumes dropped from their pool) but whose removal
     * failed (the place did not answer, its engine was restarting, or a container left by a failed start still
     * mounted it), by place: tried again after each termination and reaper pass there, instead of waiting for the
     * reaper's grace period.
     */
    private final Map<String, Set<String>> unremoved = new ConcurrentHashMap<>();

    public EphemeralVolumes(String controllerId, Clock clock) {
        this.controllerId = controllerId;
        this.clock = clock;
    }

    @Override
    public VolumeLease lease(VolumeStore host, ProvisionRequest req, boolean forceFresh) throws ProvisioningException {
        AgentIdentity agent = req.identity();
        String name = "sca-tmp-" + agent.agentName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        host.create(name, Map.of(
                Labels.ROLE, ROLE,
                Labels.CONTROLLER, controllerId,
                Labels.AGENT, agent.agentName(),
                Labels.CREATED_AT, clock.instant().toString()));
        AtomicBoolean released = new AtomicBoolean();
        return new VolumeLease() {
            @Override
            public String volumeName() {
                return name;
            }

            @Override
            public String hostName() {
                return host.place();
            }

            @Override
            public boolean fresh() {
                return true;
            }

            @Override
            public void release(boolean healthy) {
                if (released.compareAndSet(false, true)) {
                    remove(host, name);
                }
            }
        };
    }

    /** Removes a volume of ours that no agent needs any more; if it cannot be now, it is tried again later. */
    void remove(VolumeStore host, String name) {
        boolean gone;
        try {
            gone = host.remove(name); // never forced: false while something still mounts it
        } catch (RuntimeException e) {
            gone = false; // the place did not answer
        }
        Set<String> left = unremoved.computeIfAbsent(host.place(), k -> ConcurrentHashMap.newKeySet());
        if (gone) {
            left.remove(name);
        } else if (left.size() < MAX_UNREMOVED) {
            left.add(name);
        }
    }

    /** Tries again to remove this place's throw-away volumes whose removal failed; returns those still left. */
    public List<String> removeLeftovers(VolumeStore host) {
        Set<String> left = unremoved.get(host.place());
        if (left == null || left.isEmpty()) {
            return List.of();
        }
        for (String name : List.copyOf(left)) {
            remove(host, name);
        }
        return List.copyOf(left);
    }
}
