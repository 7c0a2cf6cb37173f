package io.jenkins.plugins.syscontainer.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A provisioned, ready agent: who it is, where it runs, its cache volume, how long each step took, its channel. */
public interface AgentHandle {
    AgentIdentity identity();

    default String agentName() {
        return identity().agentName();
    }

    /** The place (Docker host, Kubernetes node) it runs on. */
    String hostName();

    /** The platform's id of the agent's container (or pod). */
    String containerId();

    /** The leased cache volume, or null for none. */
    String cacheVolume();

    Instant createdAt();

    /** The provisioning steps and their durations, in order (empty for an agent found again after a restart). */
    List<ProvisioningEvent> timings();

    /** How to put files into the agent, run commands in it and open the stream the agent speaks over. */
    AgentChannel channel();

    boolean isTerminated();

    /** Total provisioning time: the sum of the steps. */
    default Duration provisioningTime() {
        Duration d = Duration.ZERO;
        for (ProvisioningEvent e : timings()) {
            d = d.plus(e.duration());
        }
        return d;
    }
}
