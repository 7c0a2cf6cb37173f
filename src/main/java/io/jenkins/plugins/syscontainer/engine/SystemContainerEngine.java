package io.jenkins.plugins.syscontainer.engine;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent.Step;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import com.github.dockerjava.api.model.Container;
import java.time.Instant;

/**
 * The engine's entry point: provisions agent containers on a pool of Docker hosts, terminates them and reaps
 * orphans. Used by the Jenkins cloud and by the command-line tool alike; it knows nothing of Jenkins.
 */
public final class SystemContainerEngine implements Closeable {
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String controllerId;
    private final SecurityPolicy policy;
    private final Map<String, ManagedHost> hosts = new LinkedHashMap<>();
    private final CacheVolumePool volumes;
    private final HostScheduler scheduler;
    private final AgentProvisioner provisioner;
    private final Reaper reaper;
    private final Duration stopTimeout;

    /**
     * @param ledger where cache volumes' last use is recorded (survives restarts when file-backed)
     */
    public SystemContainerEngine(String controllerId, List<DockerHost> hostConfigs, SecurityPolicy policy,
            CacheLedger ledger, Clock clock, Duration stopTimeout) {
        this.controllerId = Objects.requireNonNull(controllerId, "controllerId");
        this.policy = Objects.requireNonNull(policy, "policy");
        for (DockerHost h : hostConfigs) {
            if (hosts.putIfAbsent(h.name(), new ManagedHost(h, clock)) != null) {
                throw new IllegalArgumentException("two Docker hosts are named '" + h.name() + "'");
            }
        }
        this.volumes = new CacheVolumePool(controllerId, clock, ledger != null ? ledger : CacheLedger.inMemory(), policy);
        this.scheduler = new HostScheduler(this.volumes);
        this.provisioner = new AgentProvisioner(policy, clock);
        this.reaper = new Reaper(controllerId, clock);
        this.stopTimeout = stopTimeout != null ? stopTimeout : DEFAULT_STOP_TIMEOUT;
    }

    public SystemContainerEngine(String controllerId, List<DockerHost> hostConfigs, SecurityPolicy policy) {
        this(controllerId, hostConfigs, policy, null, Clock.systemUTC(), null);
    }

    public String controllerId() {
        return controllerId;
    }

    public SecurityPolicy policy() {
        return policy;
    }

    public List<ManagedHost> hosts() {
        return List.copyOf(hosts.values());
    }

    public ManagedHost host(String name) {
        ManagedHost h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no Docker host named '" + name + "'; known: " + hosts.keySet());
        }
        return h;
    }

    /** The cache pools: statistics, recovery; see also {@link CacheEvictor}. */
    public CacheVolumePool caches() {
        return volumes;
    }

    /**
     * Rebuilds state from Docker after a controller restart: host slots of this controller's live containers, and
     * cache leases from container and volume labels. Hosts that do not answer are marked unhealthy and skipped.
     */
    public void recover() {
        for (ManagedHost h : hosts()) {
            try {
                List<Container> ours = h.api().listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of(Labels.CONTROLLER, controllerId)).exec();
                for (Container c : ours) {
                    String agent = c.getLabels() == null ? null : c.getLabels().get(Labels.AGENT);
                    if (agent != null) {
                        h.tryReserve(agent);
                    }
                }
                volumes.recover(h, ours);
            } catch (RuntimeException e) {
                h.health().markFailure("recovery failed: " + e.getMessage());
            }
        }
    }

    /**
     * The handle of an agent container that already exists (after a restart), found by its agent label, so that it
     * can be terminated with its cache lease released; null when no such container exists.
     */
    public AgentContainer reattach(String hostName, AgentIdentity identity) {
        ManagedHost h = host(hostName);
        List<Container> found = h.api().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.CONTROLLER, controllerId, Labels.AGENT, identity.agentName())).exec();
        if (found.isEmpty()) {
            return null;
        }
        Container c = found.get(0);
        String volume = c.getLabels().get(Labels.CACHE_VOLUME);
        VolumeLease lease = volume == null ? null : volumes.reattach(h, volume, identity.agentName());
        h.tryReserve(identity.agentName());
        Instant created = Instant.ofEpochSecond(c.getCreated() == null ? 0 : c.getCreated());
        return new AgentContainer(identity, h, c.getId(), lease, created, List.of());
    }

    /** Hosts an agent with this cache key could go to now, best first (no Docker calls). */
    public HostScheduler.Plan plan(String cacheKey) {
        return scheduler.plan(hosts(), cacheKey);
    }

    /**
     * Provisions one agent and waits until its inner Docker answers. The spec is checked before any Docker call.
     * Hosts are tried best first; an unreachable host is marked unhealthy and the next one is tried; an inner Docker
     * that does not come up quarantines the volume and is retried once on a fresh one.
     */
    public AgentContainer provision(ProvisionRequest req, ProvisioningEvent.Listener listener)
            throws ProvisioningException, InterruptedException {
        policy.enforce(req.spec());
        String agent = req.identity().agentName();
        HostScheduler.Plan plan = plan(req.cacheKey());
        if (plan.candidates().isEmpty()) {
            throw new ProvisioningException(FailureKind.HOST_UNAVAILABLE, "no Docker host can take agent " + agent
                    + " now: " + plan.explainEmpty());
        }
        ProvisioningException last = null;
        for (ManagedHost host : plan.candidates()) {
            if (!host.tryReserve(agent)) {
                continue;
            }
            List<ProvisioningEvent> timings = new ArrayList<>();
            long start = AgentProvisioner.step(timings, listener, agent, Step.HOST_CHOSEN, System.nanoTime(), host.name());
            try {
                AgentContainer c = provisionOnHost(host, req, timings, listener);
                host.health().markSuccess();
                return c;
            } catch (ProvisioningException e) {
                host.release(agent);
                last = e;
                AgentProvisioner.step(timings, listener, agent, Step.FAILED, start, e.getMessage());
                if (e.kind() == FailureKind.HOST_UNAVAILABLE || e.kind() == FailureKind.RUNTIME_MISSING) {
                    host.health().markFailure(e.getMessage());
                }
                if (!e.kind().tryElsewhere()) {
                    throw e;
                }
            } catch (InterruptedException | RuntimeException e) {
                host.release(agent);
                throw e;
            }
        }
        throw last != null ? last : new ProvisioningException(FailureKind.HOST_UNAVAILABLE,
                "every Docker host was full when agent " + agent + " tried to take a slot");
    }

    private AgentContainer provisionOnHost(ManagedHost host, ProvisionRequest req, List<ProvisioningEvent> timings,
            ProvisioningEvent.Listener listener) throws ProvisioningException, InterruptedException {
        String agent = req.identity().agentName();
        for (int attempt = 1; ; attempt++) {
            long t = System.nanoTime();
            VolumeLease lease = volumes.lease(host, req, attempt > 1);
            AgentProvisioner.step(timings, listener, agent, Step.VOLUME_LEASED, t,
                    lease.volumeName() + (lease.fresh() ? " (new)" : " (reused)"));
            try {
                return provisioner.provision(host, req, lease, timings, listener);
            } catch (ProvisioningException e) {
                boolean retry = e.kind().retryOnFreshCache() && attempt == 1;
                lease.release(!e.kind().retryOnFreshCache());
                if (!retry) {
                    throw e;
                }
                listener.onEvent(new ProvisioningEvent(agent, Step.RETRY, Duration.ZERO,
                        "volume " + lease.volumeName() + " quarantined; retrying on a fresh volume"));
            } catch (InterruptedException | RuntimeException e) {
                lease.release(true);
                throw e;
            }
        }
    }

    /**
     * Stops and removes the agent's container, then releases its volume lease ({@code abnormal}: quarantine it) and
     * its host slot. Idempotent; concurrent callers wait for the one doing the work. If the container cannot be
     * removed (the host is unreachable), the lease and the slot are kept, since the container may still be using the
     * volume, and the exception is thrown; a later call tries again, and the reaper covers the rest.
     */
    public void terminate(AgentContainer agent, boolean abnormal, ProvisioningEvent.Listener listener) {
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
    }

    private void removeContainer(AgentContainer agent, ProvisioningEvent.Listener listener) {
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

    /** The inner dockerd's log tail of an agent, for a launch failure message. */
    public String diagnostics(AgentContainer agent) {
        return AgentProvisioner.diagnostics(agent.host().api(), agent.containerId());
    }

    /** One reaper pass over every healthy host. */
    public List<Reaper.Report> reap(Set<String> liveAgents, Duration grace) {
        List<Reaper.Report> reports = new ArrayList<>();
        for (ManagedHost h : hosts()) {
            try {
                Reaper.Report r = reaper.reap(h, liveAgents, grace);
                for (String agent : r.removed()) {
                    volumes.releaseOrphaned(h, agent);
                }
                reports.add(r);
                h.health().markSuccess();
            } catch (RuntimeException e) {
                h.health().markFailure(e.getMessage());
                reports.add(new Reaper.Report(h.name(), List.of(), List.of(), List.of(e.getMessage()), List.of()));
            }
        }
        return reports;
    }

    /**
     * Removes everything this engine's controller id owns on every host: containers (at once, whatever their age) and
     * volumes, cache volumes included. For a cloud that was deleted; its agents must be gone from Jenkins first.
     */
    public List<Reaper.Report> discardAll() {
        List<Reaper.Report> reports = new ArrayList<>();
        for (ManagedHost h : hosts()) {
            try {
                Reaper.Report r = reaper.reap(h, Set.of(), Duration.ZERO);
                List<String> errors = new ArrayList<>(r.errors());
                List<String> vols = new ArrayList<>(r.removedVolumes());
                vols.addAll(reaper.removeAllVolumes(h, errors));
                reports.add(new Reaper.Report(h.name(), r.removed(), r.exited(), errors, vols));
            } catch (RuntimeException e) {
                reports.add(new Reaper.Report(h.name(), List.of(), List.of(), List.of(e.getMessage()), List.of()));
            }
        }
        return reports;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (ManagedHost h : hosts.values()) {
            try {
                h.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
