package io.jenkins.plugins.syscontainer.engine.cache;

import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One new volume per agent, removed when the agent is gone: agents without a cache key start cold every time but
 * still keep their inner images off the container's writable layer.
 */
public final class EphemeralVolumes implements VolumeProvider {
    public static final String ROLE = "ephemeral-volume";
    private final String controllerId;
    private final Clock clock;
    private final VolumeRemovals removals;

    public EphemeralVolumes(String controllerId, Clock clock) {
        this(controllerId, clock, new VolumeRemovals());
    }

    EphemeralVolumes(String controllerId, Clock clock, VolumeRemovals removals) {
        this.controllerId = controllerId;
        this.clock = clock;
        this.removals = removals;
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
                    removals.remove(host, name);
                }
            }
        };
    }

    /** Tries again to remove this place's volumes whose removal failed; returns those still left. */
    public List<String> removeLeftovers(VolumeStore host) {
        return removals.retry(host);
    }
}
