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
import java.util.function.Function;

/**
 * The engine's entry point: provisions agent containers on a pool of Docker hosts, terminates them and reaps
 * orphans. Used by the Jenkins cloud and by the command-line tool alike; it knows nothing of Jenkins.
 */
public final class SystemContainerEngine implements Closeable {
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String controllerId;
    private final SecurityPolicy policy;
    private final Map<String, ManagedHost> hosts = new LinkedHashMap<>();
    private final VolumeProvider volumes;
    private final HostScheduler scheduler;
    private final AgentProvisioner provisioner;
    private final Reaper reaper;
    private final Duration stopTimeout;

    /**
     * @param volumes how agents get their /var/lib/docker volume, given the hosts and the controller id; null for a
     *     throw-away volume per agent
     */
    public SystemContainerEngine(String controllerId, List<DockerHost> hostConfigs, SecurityPolicy policy,
            Function<SystemContainerEngine, VolumeProvider> volumes, Clock clock, Duration stopTimeout) {
        this.controllerId = Objects.requireNonNull(controllerId, "controllerId");
        this.policy = Objects.requireNonNull(policy, "policy");
        for (DockerHost h : hostConfigs) {
            if (hosts.putIfAbsent(h.name(), new ManagedHost(h, clock)) != null) {
                throw new IllegalArgumentException("two Docker hosts are named '" + h.name() + "'");
            }
        }
        this.volumes = volumes != null ? volumes.apply(this) : new EphemeralVolumes(controllerId, clock);
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

    public VolumeProvider volumes() {
        return volumes;
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
            VolumeLease lease = volumes.lease(host, req.cacheKey(), req.identity(), attempt > 1);
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
     * Stops and removes the agent's container, then releases its volume lease ({@code abnormal}: quarantine it)
     * and its host slot. Idempotent; concurrent callers wait for the one doing the work.
     */
    public void terminate(AgentContainer agent, boolean abnormal, ProvisioningEvent.Listener listener) {
        if (!agent.claimTermination()) {
            agent.termination().join();
            return;
        }
        Throwable failure = null;
        try {
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
            t = AgentProvisioner.step(new ArrayList<>(), listener, agent.agentName(), Step.REMOVED, t, null);
            if (agent.lease() != null) {
                agent.lease().release(!abnormal);
                AgentProvisioner.step(new ArrayList<>(), listener, agent.agentName(), Step.VOLUME_RELEASED, t,
                        agent.cacheVolume() + (abnormal ? " (quarantined)" : ""));
            }
            agent.host().release(agent.agentName());
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            agent.terminationDone(failure);
        }
    }

    /** One reaper pass over every healthy host. */
    public List<Reaper.Report> reap(Set<String> liveAgents, Duration grace) {
        List<Reaper.Report> reports = new ArrayList<>();
        for (ManagedHost h : hosts()) {
            try {
                reports.add(reaper.reap(h, liveAgents, grace));
                h.health().markSuccess();
            } catch (RuntimeException e) {
                h.health().markFailure(e.getMessage());
                reports.add(new Reaper.Report(h.name(), List.of(), List.of(), List.of(e.getMessage())));
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
