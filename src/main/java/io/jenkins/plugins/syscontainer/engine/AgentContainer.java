package io.jenkins.plugins.syscontainer.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A provisioned, ready agent container: where it runs, its cache volume lease and how long each step took. */
public final class AgentContainer {
    private final AgentIdentity identity;
    private final ManagedHost host;
    private final String containerId;
    private final VolumeLease lease;
    private final Instant createdAt;
    private final List<ProvisioningEvent> timings;
    private final AtomicBoolean terminationClaimed = new AtomicBoolean();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    AgentContainer(AgentIdentity identity, ManagedHost host, String containerId, VolumeLease lease, Instant createdAt,
            List<ProvisioningEvent> timings) {
        this.identity = identity;
        this.host = host;
        this.containerId = containerId;
        this.lease = lease;
        this.createdAt = createdAt;
        this.timings = List.copyOf(timings);
    }

    public AgentIdentity identity() {
        return identity;
    }

    public String agentName() {
        return identity.agentName();
    }

    public ManagedHost host() {
        return host;
    }

    public String hostName() {
        return host.name();
    }

    public String containerId() {
        return containerId;
    }

    public String cacheVolume() {
        return lease == null ? null : lease.volumeName();
    }

    VolumeLease lease() {
        return lease;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The provisioning steps and their durations, in order. */
    public List<ProvisioningEvent> timings() {
        return timings;
    }

    /** Total provisioning time: the sum of the steps. */
    public Duration provisioningTime() {
        Duration d = Duration.ZERO;
        for (ProvisioningEvent e : new ArrayList<>(timings)) {
            d = d.plus(e.duration());
        }
        return d;
    }

    /** True the first time only: the caller that gets true does the termination and then calls {@link #terminationDone}. */
    boolean claimTermination() {
        return terminationClaimed.compareAndSet(false, true);
    }

    void terminationDone(Throwable failure) {
        if (failure == null) {
            terminated.complete(null);
        } else {
            terminated.completeExceptionally(failure);
        }
    }

    /** Completes when the termination claimed by another caller has finished. */
    CompletableFuture<Void> termination() {
        return terminated;
    }

    public boolean isTerminated() {
        return terminated.isDone();
    }

    @Override
    public String toString() {
        return identity.agentName() + " on " + host.name() + " (" + ContainerExec.shortId(containerId)
                + (lease != null ? ", volume " + lease.volumeName() : "") + ")";
    }
}
