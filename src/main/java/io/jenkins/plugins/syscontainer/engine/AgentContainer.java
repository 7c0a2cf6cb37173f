package io.jenkins.plugins.syscontainer.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** A provisioned, ready agent container: where it runs, its cache volume lease and how long each step took. */
public final class AgentContainer {
    private final AgentIdentity identity;
    private final ManagedHost host;
    private final String containerId;
    private final VolumeLease lease;
    private final Instant createdAt;
    private final List<ProvisioningEvent> timings;
    /** The termination in progress or done; null while none is, or after a failed attempt (so it can be retried). */
    private final AtomicReference<CompletableFuture<Void>> termination = new AtomicReference<>();

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

    /**
     * Claims the termination: a new future when the caller must do the work (and then call {@link #terminationDone}),
     * otherwise null and the caller waits on {@link #termination()}.
     */
    CompletableFuture<Void> claimTermination() {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        return termination.compareAndSet(null, mine) ? mine : null;
    }

    void terminationDone(CompletableFuture<Void> claim, Throwable failure) {
        if (failure == null) {
            claim.complete(null);
        } else {
            termination.compareAndSet(claim, null); // a later call tries again
            claim.completeExceptionally(failure);
        }
    }

    /** The termination another caller is doing (or did); null if none. */
    CompletableFuture<Void> termination() {
        return termination.get();
    }

    public boolean isTerminated() {
        CompletableFuture<Void> f = termination.get();
        return f != null && f.isDone() && !f.isCompletedExceptionally();
    }

    @Override
    public String toString() {
        return identity.agentName() + " on " + host.name() + " (" + ContainerExec.shortId(containerId)
                + (lease != null ? ", volume " + lease.volumeName() : "") + ")";
    }
}
