package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.HostStatus;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent.Step;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.ReapReport;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.cache.CacheEvictor;
import io.jenkins.plugins.syscontainer.engine.cache.CacheLedger;
import io.jenkins.plugins.syscontainer.engine.cache.CacheVolumePool;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeLease;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Docker-hosts backend: provisions agent containers on a pool of Docker hosts, terminates them, reaps orphans and
 * leases cache volumes from per-host pools. Used by the Jenkins cloud and by the command-line tool alike.
 */
public final class DockerBackend implements AgentBackend {
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String controllerId;
    private final SecurityPolicy policy;
    private final Map<String, ManagedHost> hosts = new LinkedHashMap<>();
    private final Map<String, DockerVolumeStore> stores = new HashMap<>();
    private final CacheVolumePool volumes;
    private final HostScheduler scheduler;
    private final AgentProvisioner provisioner;
    private final HostUpkeep upkeep;
    private final AgentEnds ends;

    /**
     * @param ledger where cache volumes' last use is recorded (survives restarts when file-backed)
     */
    public DockerBackend(String controllerId, List<DockerHost> hostConfigs, SecurityPolicy policy,
            CacheLedger ledger, Clock clock, Duration stopTimeout) {
        this(controllerId, hostConfigs, policy, ledger, clock, stopTimeout, null);
    }

    /**
     * @param inherited the cache pool of the backend this one replaces (its leases carry over: a volume leased by an
     *     agent the old backend is still starting is never handed out here), or null for a new pool
     */
    public DockerBackend(String controllerId, List<DockerHost> hostConfigs, SecurityPolicy policy,
            CacheLedger ledger, Clock clock, Duration stopTimeout, CacheVolumePool inherited) {
        this.controllerId = Objects.requireNonNull(controllerId, "controllerId");
        this.policy = Objects.requireNonNull(policy, "policy");
        for (DockerHost h : hostConfigs) {
            ManagedHost m = new ManagedHost(h, clock);
            if (hosts.putIfAbsent(h.name(), m) != null) {
                throw new IllegalArgumentException("two Docker hosts are named '" + h.name() + "'");
            }
            stores.put(h.name(), new DockerVolumeStore(m, policy, controllerId));
        }
        this.volumes = inherited != null && inherited.controllerId().equals(controllerId) ? inherited
                : new CacheVolumePool(controllerId, clock, ledger != null ? ledger : CacheLedger.inMemory());
        this.scheduler = new HostScheduler(this.volumes);
        this.provisioner = new AgentProvisioner(policy, clock);
        this.upkeep = new HostUpkeep(controllerId, volumes, this::store, new Reaper(controllerId, clock));
        this.ends = new AgentEnds(volumes, this::store, upkeep, stopTimeout != null ? stopTimeout : DEFAULT_STOP_TIMEOUT);
    }

    public DockerBackend(String controllerId, List<DockerHost> hostConfigs, SecurityPolicy policy) {
        this(controllerId, hostConfigs, policy, null, Clock.systemUTC(), null);
    }

    @Override
    public String controllerId() {
        return controllerId;
    }

    public SecurityPolicy policy() {
        return policy;
    }

    public List<ManagedHost> managedHosts() {
        return List.copyOf(hosts.values());
    }

    public ManagedHost host(String name) {
        ManagedHost h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no Docker host named '" + name + "'; known: " + hosts.keySet());
        }
        return h;
    }

    DockerVolumeStore store(ManagedHost h) {
        return stores.get(h.name());
    }

    /** A host's volumes as the cache pools see them (for tools and tests that maintain one host's pools). */
    public VolumeStore volumeStore(String hostName) {
        return store(host(hostName));
    }

    /** The cache pools: statistics, recovery; see also {@link CacheEvictor}. */
    public CacheVolumePool cachePool() {
        return volumes;
    }

    /** The evictor of this backend's pools, for tools that maintain one host (the command line). */
    public CacheEvictor evictor(Map<String, Long> budgets, long defaultBudget, Duration sizeRefresh) {
        return new CacheEvictor(volumes, sizeRefresh, budgets, defaultBudget);
    }

    /**
     * Rebuilds state from Docker after a controller restart: host slots of this controller's live containers, and
     * cache leases from container and volume labels. Hosts that do not answer are marked unhealthy and left
     * unrecovered: they take no agent until {@link #recoverPending} finds them answering.
     */
    @Override
    public void recover() {
        for (ManagedHost h : managedHosts()) {
            upkeep.recover(h);
        }
    }

    @Override
    public boolean recoverPending() {
        boolean any = false;
        for (ManagedHost h : managedHosts()) {
            if (!h.isRecovered() && h.health().isAvailable()) {
                any |= upkeep.recover(h);
            }
        }
        return any;
    }

    @Override
    public boolean owns(AgentHandle agent) {
        return agent instanceof DockerAgent d && hosts.get(d.hostName()) == d.host();
    }

    /**
     * The handle of an agent container that already exists (after a restart), found by its agent label, so that it
     * can be terminated with its cache lease released; null when no such container exists.
     */
    @Override
    public DockerAgent reattach(String hostName, AgentIdentity identity) {
        ManagedHost h = host(hostName);
        List<Container> found = h.api().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.CONTROLLER, controllerId, Labels.AGENT, identity.agentName())).exec();
        if (found.isEmpty()) {
            return null;
        }
        Container c = found.get(0);
        String volume = c.getLabels().get(Labels.CACHE_VOLUME);
        VolumeLease lease = volume == null ? null : volumes.reattach(store(h), volume, identity.agentName());
        h.tryReserve(identity.agentName());
        Instant created = Instant.ofEpochSecond(c.getCreated() == null ? 0 : c.getCreated());
        return new DockerAgent(identity, h, c.getId(), lease, created, List.of());
    }

    /** Hosts an agent with this cache key could go to now, best first (no Docker calls). */
    public HostScheduler.Plan plan(String cacheKey) {
        return scheduler.plan(managedHosts(), cacheKey);
    }

    @Override
    public int freeSlots(String cacheKey) {
        return plan(cacheKey).candidates().stream().mapToInt(ManagedHost::freeSlots).sum();
    }

    /**
     * Provisions one agent and waits until its inner Docker answers. The spec is checked before any Docker call.
     * Hosts are tried best first; a host that cannot serve the agent (unreachable, no runtime, the image missing
     * there) is left for the next one; an inner Docker that does not come up quarantines the volume and is retried
     * once on a fresh one. A failure only every host can explain (the image refused everywhere) keeps its kind; when
     * some healthy host was not asked (full), the failure is one to try again later.
     */
    @Override
    public DockerAgent provision(ProvisionRequest req, ProvisioningEvent.Listener listener)
            throws ProvisioningException, InterruptedException {
        policy.enforce(req.spec());
        String agent = req.identity().agentName();
        HostScheduler.Plan plan = plan(req.cacheKey());
        if (plan.candidates().isEmpty()) {
            throw new ProvisioningException(FailureKind.HOST_UNAVAILABLE, "no Docker host can take agent " + agent
                    + " now: " + plan.explainEmpty());
        }
        List<ProvisioningException> failures = new ArrayList<>();
        Set<String> failedOn = new java.util.HashSet<>();
        for (ManagedHost host : plan.candidates()) {
            if (!host.tryReserve(agent)) {
                continue;
            }
            List<ProvisioningEvent> timings = new ArrayList<>();
            long start = AgentProvisioner.step(timings, listener, agent, Step.HOST_CHOSEN, System.nanoTime(), host.name());
            try {
                DockerAgent c = provisionOnHost(host, req, timings, listener);
                host.health().markSuccess();
                return c;
            } catch (ProvisioningException e) {
                host.release(agent);
                failures.add(e);
                failedOn.add(host.name());
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
        if (failures.isEmpty()) {
            throw new ProvisioningException(FailureKind.HOST_UNAVAILABLE,
                    "every Docker host was full when agent " + agent + " tried to take a slot");
        }
        ProvisioningException last = failures.get(failures.size() - 1);
        if (!last.kind().templateFatal()) {
            throw last;
        }
        // A refusal speaks for the template only when every healthy host gave it: mixed causes, or a healthy host
        // that was not asked (full), make it a failure that is simply tried again later.
        for (ProvisioningException f : failures) {
            if (!f.kind().templateFatal()) {
                throw f;
            }
        }
        boolean everyHealthyHostRefused = managedHosts().stream()
                .filter(h -> h.isRecovered() && (h.health().isAvailable() || failedOn.contains(h.name())))
                .allMatch(h -> failedOn.contains(h.name()));
        if (!everyHealthyHostRefused) {
            throw new ProvisioningException(FailureKind.UNKNOWN, last.getRawMessage()
                    + " (other hosts were full and not asked: tried again later)", last);
        }
        throw last;
    }

    private DockerAgent provisionOnHost(ManagedHost host, ProvisionRequest req, List<ProvisioningEvent> timings,
            ProvisioningEvent.Listener listener) throws ProvisioningException, InterruptedException {
        String agent = req.identity().agentName();
        provisioner.ensureImage(host, req, timings, listener);
        for (int attempt = 1; ; attempt++) {
            long t = System.nanoTime();
            VolumeLease lease = volumes.lease(store(host), req, attempt > 1);
            AgentProvisioner.step(timings, listener, agent, Step.VOLUME_LEASED, t,
                    lease.volumeName() + (lease.fresh() ? " (new)" : " (reused)"));
            try {
                return provisioner.provision(host, req, lease, timings, listener);
            } catch (ProvisioningException e) {
                boolean retry = e.kind().retryOnFreshCache() && attempt == 1;
                // A new volume whose start failed goes: it may hold half of a seeding or preload, and returned to the
                // pool it would pass for a warm one (builds then missed their preloaded images).
                lease.release(!e.kind().retryOnFreshCache() && !lease.fresh());
                if (!retry) {
                    throw e;
                }
                listener.onEvent(new ProvisioningEvent(agent, Step.RETRY, Duration.ZERO,
                        "volume " + lease.volumeName() + " quarantined; retrying on a fresh volume"));
            } catch (InterruptedException | RuntimeException e) {
                lease.release(!lease.fresh());
                throw e;
            }
        }
    }

    /**
     * Stops and removes the agent's container, then releases its volume lease ({@code abnormal}: quarantine it) and
     * its host slot (see {@link AgentEnds#terminate}).
     */
    @Override
    public void terminate(AgentHandle handle, boolean abnormal, ProvisioningEvent.Listener listener) {
        ends.terminate(handle, abnormal, listener);
    }

    @Override
    public String endReason(AgentHandle handle) {
        return AgentEnds.endReason(handle);
    }

    /** The inner dockerd's log tail of an agent, for a launch failure message. */
    @Override
    public String diagnostics(AgentHandle agent) {
        return AgentProvisioner.diagnostics(((DockerAgent) agent).host().api(), agent.containerId());
    }

    @Override
    public void containerGone(String place, String agentName) {
        ManagedHost h = hosts.get(place);
        if (h != null && h.isRecovered()) {
            volumes.releaseOrphaned(store(h), agentName);
            h.release(agentName);
        }
    }

    /** One reaper pass over every recovered host (a failing host is reported and marked unhealthy). */
    @Override
    public List<ReapReport> reap(Set<String> liveAgents, Duration grace) {
        return upkeep.reap(managedHosts(), liveAgents, grace);
    }

    /**
     * The agents (of those given, by host) whose container no longer exists on a host that answered: removed by
     * someone else, or lost with the host's disk. Their Jenkins agents can go at once.
     */
    @Override
    public Set<String> vanished(Map<String, String> hostByAgent) {
        return upkeep.vanished(managedHosts(), hostByAgent);
    }

    /**
     * Removes everything this engine's controller id owns on every host, cache volumes included. For a cloud that
     * was deleted; its agents must be gone from Jenkins first.
     */
    @Override
    public List<ReapReport> discardAll() {
        return upkeep.discardAll(managedHosts());
    }

    @Override
    public List<HostStatus> hosts() {
        List<HostStatus> out = new ArrayList<>();
        for (ManagedHost h : managedHosts()) {
            out.add(new HostStatus(h.name(), h.config().uri().toString(), h.health().isAvailable(), h.health().downSince(),
                    h.health().retryAt(),
                    h.health().lastError(), h.health().consecutiveFailures(), h.isRecovered(), h.activeAgents(),
                    h.config().maxAgents()));
        }
        return out;
    }

    @Override
    public List<CacheStats> caches() {
        return volumes.stats();
    }

    @Override
    public boolean evict(String host, String volume) {
        return new CacheEvictor(volumes, Duration.ofMinutes(15), Map.of(), Long.MAX_VALUE).evict(store(host(host)), volume);
    }

    @Override
    public List<CacheMaintenance> maintainCaches(Map<String, Long> budgets, long defaultBudget) {
        CacheEvictor evictor = new CacheEvictor(volumes, Duration.ofMinutes(15), budgets, defaultBudget);
        List<CacheMaintenance> out = new ArrayList<>();
        for (ManagedHost h : managedHosts()) {
            if (!h.health().isAvailable() || !h.isRecovered()) {
                continue;
            }
            try {
                out.add(new CacheMaintenance(h.name(), evictor.maintain(store(h)), null));
            } catch (IOException | ProvisioningException | RuntimeException e) {
                out.add(new CacheMaintenance(h.name(), List.of(), e.getMessage()));
            }
        }
        return out;
    }

    /** Re-reads the sizes of every answering host's cache volumes now (the command line's listing, the status page). */
    @Override
    public void refreshCacheSizes() throws IOException {
        CacheEvictor evictor = new CacheEvictor(volumes, Duration.ZERO, Map.of(), Long.MAX_VALUE);
        for (ManagedHost h : managedHosts()) {
            if (h.isRecovered()) {
                evictor.refreshSizes(store(h));
            }
        }
    }

    @Override
    public Map<String, Boolean> imagePresence(String image) {
        Map<String, Boolean> out = new java.util.LinkedHashMap<>();
        for (ManagedHost h : managedHosts()) {
            if (!h.health().isAvailable()) {
                continue;
            }
            try {
                out.put(h.name(), ImagePull.hasImage(h.api(), image));
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(DockerBackend.class.getName()).fine(() -> "host " + h.name()
                        + ": could not look up image " + image + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** Streams an image from the agent's host into its inner Docker (see {@link ImageTransfer}). */
    public ExecResult loadImage(AgentHandle agent, String image, Duration timeout) throws InterruptedException {
        DockerAgent a = (DockerAgent) agent;
        return ImageTransfer.copyFromHost(a.host(), a.containerId(), image, timeout);
    }

    @Override
    public ProbeResult probe(String hostName, SystemContainerSpec spec, Duration readyTimeout) throws InterruptedException {
        return HostProbe.probe(this, hostName, spec, readyTimeout);
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
