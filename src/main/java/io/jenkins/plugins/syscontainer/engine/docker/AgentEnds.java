package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent.Step;
import io.jenkins.plugins.syscontainer.engine.cache.CacheVolumePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * How an agent's container ends: a termination stops and removes it and only then gives back its cache volume and
 * host slot; and why a container ended, as Docker tells it, for the build log of an agent that was lost.
 */
final class AgentEnds {
    private final CacheVolumePool volumes;
    private final Function<ManagedHost, DockerVolumeStore> stores;
    private final HostUpkeep upkeep;
    private final Duration stopTimeout;

    AgentEnds(CacheVolumePool volumes, Function<ManagedHost, DockerVolumeStore> stores, HostUpkeep upkeep,
            Duration stopTimeout) {
        this.volumes = volumes;
        this.stores = stores;
        this.upkeep = upkeep;
        this.stopTimeout = stopTimeout;
    }

    private DockerVolumeStore store(ManagedHost h) {
        return stores.apply(h);
    }

    /**
     * Stops and removes the agent's container, then releases its volume lease ({@code abnormal}: quarantine it) and
     * its host slot. Idempotent; concurrent callers wait for the one doing the work. If the container cannot be
     * removed (the host is unreachable), the lease and the slot are kept, since the container may still be using the
     * volume, and the exception is thrown; a later call tries again, and the reaper covers the rest.
     */
    void terminate(AgentHandle handle, boolean abnormal, ProvisioningEvent.Listener listener) {
        DockerAgent agent = (DockerAgent) handle;
        CompletableFuture<Void> claim = agent.claimTermination();
        if (claim == null) {
            CompletableFuture<Void> other = agent.termination();
            if (other != null) {
                try {
                    other.join();
                } catch (java.util.concurrent.CompletionException e) {
                    // that attempt failed and said so to its caller; this call does not retry concurrently
                }
            }
            return;
        }
        RuntimeException failure = null;
        try {
            removeContainer(agent, listener);
        } catch (RuntimeException e) {
            failure = e;
        }
        if (failure == null) {
            long t = System.nanoTime();
            try {
                if (agent.lease() != null) {
                    agent.lease().release(!abnormal);
                    AgentProvisioner.step(new ArrayList<>(), listener, agent.agentName(), Step.VOLUME_RELEASED, t,
                            agent.cacheVolume() + (abnormal ? " (quarantined)" : ""));
                }
                // and any other record of a lease by this agent (one reattached before its host's state was
                // recovered holds a copy of the volume's entry, not the entry itself)
                volumes.releaseOrphaned(store(agent.host()), agent.agentName());
            } catch (RuntimeException e) {
                failure = e; // the container is gone: the slot is released all the same
            } finally {
                agent.host().release(agent.agentName());
            }
        }
        agent.terminationDone(claim, failure);
        if (failure != null) {
            throw failure;
        }
        try {
            upkeep.removeLeftovers(agent.host()); // the host answers now: what earlier removals there left
        } catch (RuntimeException e) {
            // it stopped answering again: the next termination or reaper pass tries again
        }
    }

    private void removeContainer(DockerAgent agent, ProvisioningEvent.Listener listener) {
        var docker = agent.host().api();
        long t = System.nanoTime();
        try {
            docker.stopContainerCmd(agent.containerId()).withTimeout((int) stopTimeout.toSeconds()).exec();
        } catch (NotFoundException | NotModifiedException e) {
            // already stopped or gone
        }
        t = AgentProvisioner.step(new ArrayList<>(), listener, agent.agentName(), Step.STOPPED, t, null);
        try {
            docker.removeContainerCmd(agent.containerId()).withForce(true).withRemoveVolumes(false).exec();
        } catch (NotFoundException e) {
            // already gone
        }
        AgentProvisioner.step(new ArrayList<>(), listener, agent.agentName(), Step.REMOVED, t, null);
    }

    static String endReason(AgentHandle handle) {
        DockerAgent agent = (DockerAgent) handle;
        try {
            InspectContainerResponse.ContainerState s = agent.host().api().inspectContainerCmd(agent.containerId())
                    .exec().getState();
            if (s == null || Boolean.TRUE.equals(s.getRunning())) {
                return null;
            }
            String what = "removing".equals(s.getStatus()) ? "was removed by someone else" : s.getStatus();
            return "the container " + ContainerExec.shortId(agent.containerId()) + " on host '" + agent.hostName()
                    + "' " + what + " with exit code " + s.getExitCodeLong()
                    + (Boolean.TRUE.equals(s.getOOMKilled()) ? ", killed for lack of memory (OOM-killed: raise the"
                            + " template's memory)" : ", not OOM-killed") + (s.getFinishedAt() == null ? ""
                            : ", at " + s.getFinishedAt());
        } catch (NotFoundException e) {
            return "the container " + ContainerExec.shortId(agent.containerId()) + " on host '" + agent.hostName()
                    + "' no longer exists (removed by someone else)";
        } catch (RuntimeException e) {
            return null; // the host does not answer: nothing is known
        }
    }
}
