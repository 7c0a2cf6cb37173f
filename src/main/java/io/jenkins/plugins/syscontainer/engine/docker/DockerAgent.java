package io.jenkins.plugins.syscontainer.engine.docker;

import io.jenkins.plugins.syscontainer.engine.AgentChannel;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeLease;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** A provisioned, ready agent container on a Docker host: where it runs, its cache volume lease, its step timings. */
public final class DockerAgent implements AgentHandle {
    private final AgentIdentity identity;
    private final ManagedHost host;
    private final String containerId;
    private final VolumeLease lease;
    private final Instant createdAt;
    private final List<ProvisioningEvent> timings;
    /** The termination in progress or done; null while none is, or after a failed attempt (so it can be retried). */
    private final AtomicReference<CompletableFuture<Void>> termination = new AtomicReference<>();

    DockerAgent(AgentIdentity identity, ManagedHost host, String containerId, VolumeLease lease, Instant createdAt,
            List<ProvisioningEvent> timings) {
        this.identity = identity;
        this.host = host;
        this.containerId = containerId;
        this.lease = lease;
        this.createdAt = createdAt;
        this.timings = List.copyOf(timings);
    }

    @Override
    public AgentIdentity identity() {
        return identity;
    }

    ManagedHost host() {
        return host;
    }

    @Override
    public AgentChannel channel() {
        return new DockerChannel(host, containerId);
    }

    @Override
    public String hostName() {
        return host.name();
    }

    @Override
    public String containerId() {
        return containerId;
    }

    @Override
    public String cacheVolume() {
        return lease == null ? null : lease.volumeName();
    }

    VolumeLease lease() {
        return lease;
    }

    @Override
    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public List<ProvisioningEvent> timings() {
        return timings;
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

    @Override
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
