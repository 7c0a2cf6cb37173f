package io.jenkins.plugins.syscontainer.engine;

import com.github.dockerjava.api.exception.DockerException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One new volume per agent, removed when the agent is gone: agents without a cache key start cold every time but
 * still keep their inner images off the container's writable layer.
 */
public final class EphemeralVolumes implements VolumeProvider {
    static final String ROLE = "ephemeral-volume";
    private final String controllerId;
    private final Clock clock;

    public EphemeralVolumes(String controllerId, Clock clock) {
        this.controllerId = controllerId;
        this.clock = clock;
    }

    @Override
    public VolumeLease lease(ManagedHost host, ProvisionRequest req, boolean forceFresh) throws ProvisioningException {
        AgentIdentity agent = req.identity();
        String name = "sca-tmp-" + agent.agentName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            host.api().createVolumeCmd().withName(name).withLabels(Map.of(
                    Labels.ROLE, ROLE,
                    Labels.CONTROLLER, controllerId,
                    Labels.AGENT, agent.agentName(),
                    Labels.CREATED_AT, clock.instant().toString())).exec();
        } catch (RuntimeException e) {
            throw FailureClassifier.classify(e, host.name(), "creating volume " + name);
        }
        AtomicBoolean released = new AtomicBoolean();
        return new VolumeLease() {
            @Override
            public String volumeName() {
                return name;
            }

            @Override
            public String hostName() {
                return host.name();
            }

            @Override
            public boolean fresh() {
                return true;
            }

            @Override
            public void release(boolean healthy) {
                if (released.compareAndSet(false, true)) {
                    try {
                        host.api().removeVolumeCmd(name).exec();
                    } catch (DockerException e) {
                        // gone already, or still mounted (Conflict): the reaper removes leftover throw-away volumes
                    }
                }
            }
        };
    }
}
