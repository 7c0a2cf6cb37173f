package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.HostHealth;
import io.jenkins.plugins.syscontainer.engine.HostStatus;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.ReapReport;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.k8s.KubernetesSettings.UserNamespaceMode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The Kubernetes backend: agents are pods of one namespace under the Sysbox runtime class, their cache volumes are
 * persistent claims leased by compare-and-swap on the claims' own annotations, and one coordination Lease per
 * controller id fences two processes of the same id apart. Everything is found again from the API after a restart
 * (labels on pods and claims); the watch on this controller's pods is how provisions see their pod become Ready and
 * how claims are released once their pod is gone. Knows nothing of Jenkins.
 */
public final class KubernetesBackend implements AgentBackend {
    private static final Logger LOG = Logger.getLogger(KubernetesBackend.class.getName());
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Who holds controller leases in this JVM: backends of one controller id that replace each other here (a changed
     * configuration) are the same holder, so the new one serves at once while the old one drains.
     */
    private static final String HOLDER = System.getenv().getOrDefault("HOSTNAME", "controller") + "/"
            + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);

    private final String controllerId;
    private final String controllerLabel;
    private final KubernetesClient client;
    private final SecurityPolicy securityPolicy;
    private final PodPolicy podPolicy;
    private final PodExec exec;
    private final Clock clock;
    private final ApiCalls calls = new ApiCalls();
    private final HostHealth health;
    private final ControllerLease lease;
    private final CacheClaims claims;
    private final PodWatch watch;
    private final PodReaper reaper;
    private final PodEnds ends;
    private final ExecutorService releases;
    private final ScheduledExecutorService timer;
    private final AgentSlots slots = new AgentSlots();
    private volatile KubernetesSettings settings;
    private volatile PodLauncher launcher;
    private volatile boolean recovered;
    private volatile KubernetesBackend predecessor;
    /** Replaced by a newer backend of the same id in this JVM: closing it leaves the controller lease held. */
    private volatile boolean handedOver;
    private volatile boolean closed;

    /**
     * @param controllerId the scope everything is labelled with (a digest of it: label values are short)
     * @param client a client of the cluster; the backend closes it
     * @param exec how commands reach a pod ({@link #execOver} for the API server's exec)
     * @param previous the backend this one replaces (its provisions under way are left alone), or null
     */
    public KubernetesBackend(String controllerId, KubernetesClient client, KubernetesSettings settings,
            SecurityPolicy policy, PodExec exec, Clock clock, AgentBackend previous) {
        this(controllerId, client, settings, policy, exec, clock, previous, HOLDER);
    }

    /**
     * @param holder who this backend holds the controller lease as: two processes must never share one (a simulation
     *     that plays a restarted controller in one JVM gives each incarnation its own)
     */
    public KubernetesBackend(String controllerId, KubernetesClient client, KubernetesSettings settings,
            SecurityPolicy policy, PodExec exec, Clock clock, AgentBackend previous, String holder) {
        this.controllerId = Objects.requireNonNull(controllerId, "controllerId");
        this.controllerLabel = KubeNames.controllerLabel(controllerId);
        this.client = client;
        this.settings = settings;
        this.securityPolicy = policy;
        this.podPolicy = new PodPolicy(policy.allowedRuntimes());
        this.exec = exec;
        this.clock = clock;
        this.health = new HostHealth(clock);
        this.lease = new ControllerLease(client, settings.namespace(), controllerLabel, holder,
                settings.controllerLease(), clock, calls);
        if (previous instanceof KubernetesBackend k && k.controllerId.equals(controllerId)
                && k.settings.namespace().equals(settings.namespace())) {
            this.predecessor = k;
            k.handedOver = true;
        }
        this.claims = new CacheClaims(client, settings, controllerLabel, controllerId, clock, calls);
        this.releases = Executors.newFixedThreadPool(4, daemon("sca-k8s-release"));
        this.watch = new PodWatch(client, settings.namespace(), controllerLabel, this::podGone, releases);
        this.reaper = new PodReaper(client, settings, watch, claims, calls, clock, controllerLabel);
        this.ends = new PodEnds(client, settings, watch, claims, calls);
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("sca-k8s-lease"));
    }

    /** The API server's {@code pods/exec}, the channel of every real cluster. */
    public static PodExec execOver(KubernetesClient client) {
        return ExecChannel.over(client);
    }

    /** Whether an agent's provision is under way here or on the backend this one replaced. */
    private boolean provisioningHere(String agent) {
        KubernetesBackend p = predecessor;
        return slots.starting(agent) || p != null && !p.closed && p.slots.starting(agent);
    }

    /** Whether a claim is leased by this process (here or on the backend this one replaced). */
    private boolean heldHere(String claim) {
        KubernetesBackend p = predecessor;
        return claims.heldHere(claim) || p != null && !p.closed && p.claims.heldHere(claim);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public String controllerId() {
        return controllerId;
    }

    public KubernetesSettings settings() {
        return settings;
    }

    /** The backend's API calls so far (reads, writes, 409 conflicts). */
    public ApiCalls.Counts apiCalls() {
        return calls.counts();
    }

    /** The watch on this controller's pods (tests stop it to make it miss events, as a broken watch does). */
    PodWatch podWatch() {
        return watch;
    }

    /** This process's fencing token, or -1 while it does not hold the controller lease. */
    public long fencingToken() {
        return lease.token();
    }

    /**
     * Starts the watches, takes the controller lease and settles what the API says: claims leased to agents whose pod
     * is gone are quarantined, claims of live agents are theirs again. Not recovered (and provisioning nothing) when
     * the API does not answer or another process holds the lease; {@link #recoverPending} tries again.
     */
    @Override
    public synchronized void recover() {
        try {
            watch.start(START_TIMEOUT);
            claims.start(START_TIMEOUT);
            if (!lease.acquire()) {
                recovered = false;
                health.markFailure("another process manages controller id " + controllerId + ": Lease "
                        + lease.name() + " is held by " + lease.otherHolder());
                return;
            }
            if (settings.userNamespace() == UserNamespaceMode.AUTO) {
                settings = new ClusterProbe(client, settings).resolved();
                LOG.info(() -> "pods of " + controllerId + " ask for their user namespace by " + settings.userNamespace());
            }
            claims.adoptMounted(watch.all());
            reaper.settleClaims(this::provisioningHere, this::heldHere);
            launcher = new PodLauncher(client, settings, new PodRenderer(settings, controllerLabel), podPolicy, watch,
                    claims, calls);
            lease.keepRenewed(timer, health);
            recovered = true;
            health.markSuccess();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            health.markFailure("interrupted while recovering");
        } catch (Exception e) {
            recovered = false;
            health.markFailure("recovery failed: " + e);
        }
    }

    @Override
    public synchronized boolean recoverPending() {
        if (recovered) {
            return false;
        }
        recover();
        return recovered;
    }

    private void requireManaging() throws ProvisioningException {
        if (!recovered || launcher == null) {
            throw new ProvisioningException(FailureKind.HOST_UNAVAILABLE, "the Kubernetes backend for namespace "
                    + settings.namespace() + " has not recovered its state: " + health.lastError());
        }
        if (!lease.valid()) {
            throw new ProvisioningException(FailureKind.HOST_UNAVAILABLE, "this controller does not hold its lease "
                    + lease.name() + " now (another process with the same id, or the API did not answer): "
                    + lease.otherHolder());
        }
    }

    @Override
    public int freeSlots(String cacheKey) {
        if (!recovered || !lease.valid() || !health.isAvailable()) {
            return 0;
        }
        return slots.free(settings.maxAgents());
    }

    @Override
    public AgentHandle provision(ProvisionRequest req, ProvisioningEvent.Listener listener)
            throws ProvisioningException, InterruptedException {
        securityPolicy.enforce(req.spec());
        podPolicy.enforceRequest(req);
        requireManaging();
        String agent = req.identity().agentName();
        if (!slots.reserve(agent, settings.maxAgents())) {
            throw new ProvisioningException(FailureKind.HOST_UNAVAILABLE, "namespace " + settings.namespace()
                    + " already runs the most agents this cloud may start there (" + settings.maxAgents() + ")");
        }
        try {
            List<ProvisioningEvent> timings = new ArrayList<>();
            PodLauncher.Started s = launcher.start(req, lease.token(), timings, listener);
            Pod p = s.pod();
            KubernetesAgent a = new KubernetesAgent(this, req.identity(), p.getMetadata().getName(),
                    p.getMetadata().getUid(), PodStates.node(p), s.claim(), clock.instant(), timings,
                    exec.channel(settings.namespace(), p.getMetadata().getName()));
            slots.ready(a);
            health.markSuccess();
            return a;
        } catch (ProvisioningException e) {
            if (e.kind() == FailureKind.HOST_UNAVAILABLE && e.getCause() instanceof KubernetesClientException) {
                health.markFailure(e.getRawMessage());
            }
            throw e;
        } finally {
            slots.unreserve(agent);
        }
    }

    /**
     * Deletes the agent's pod gracefully (marked abnormal first when it ended so: its claim is then quarantined) and
     * waits until the pod is gone and its claim released (see {@link PodEnds}).
     */
    @Override
    public void terminate(AgentHandle handle, boolean abnormal, ProvisioningEvent.Listener listener) {
        KubernetesAgent a = (KubernetesAgent) handle;
        if (a.isTerminated()) {
            return;
        }
        ends.terminate(a, abnormal, listener);
        slots.remove(a);
        a.markTerminated();
    }

    /** A pod of ours is gone: its agent holds no slot any more, and its claim is released as {@link PodEnds} says. */
    private void podGone(Pod last, boolean forced, boolean endedOnItsOwn) {
        String agent = last.getMetadata().getAnnotations() == null ? null
                : last.getMetadata().getAnnotations().get(KubeNames.AGENT_NAME);
        if (agent != null) {
            slots.podGone(agent, last.getMetadata().getName());
        }
        ends.gone(last, forced, endedOnItsOwn);
    }

    @Override
    public boolean owns(AgentHandle agent) {
        return agent instanceof KubernetesAgent k && k.backend() == this;
    }

    @Override
    public AgentHandle reattach(String place, AgentIdentity identity) {
        Pod p;
        if (watch.started()) {
            p = watch.ofAgent(identity.agentName());
        } else {
            List<Pod> found = calls.read(() -> client.pods().inNamespace(settings.namespace())
                    .withLabel(KubeNames.CONTROLLER, controllerLabel)
                    .withLabel(KubeNames.AGENT, KubeNames.labelValue(identity.agentName())).list().getItems());
            p = found.isEmpty() ? null : found.get(0);
        }
        if (p == null || PodStates.deleting(p)) {
            return null;
        }
        String claim = p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(KubeNames.CACHE_VOLUME);
        if (claim != null) {
            claims.adopt(claim, identity.agentName(), p.getMetadata().getAnnotations().get(KubeNames.CACHE_KEY_NAME));
        }
        Instant created;
        try {
            created = Instant.parse(p.getMetadata().getCreationTimestamp());
        } catch (RuntimeException e) {
            created = clock.instant();
        }
        KubernetesAgent a = new KubernetesAgent(this, identity, p.getMetadata().getName(), p.getMetadata().getUid(),
                PodStates.node(p), claim, created, List.of(), exec.channel(settings.namespace(), p.getMetadata().getName()));
        slots.ready(a);
        return a;
    }

    @Override
    public String endReason(AgentHandle handle) {
        KubernetesAgent a = (KubernetesAgent) handle;
        Pod p = watch.get(a.pod());
        if (p == null) {
            return watch.started() ? "the pod " + a.pod() + " no longer exists (deleted by someone else, or lost with"
                    + " its node)" : null;
        }
        return PodStates.endReason(p);
    }

    @Override
    public List<ReapReport> reap(Set<String> liveAgents, Duration grace) {
        if (!recovered) {
            return List.of();
        }
        return List.of(reaper.reap(liveAgents, this::provisioningHere, this::heldHere, grace, lease.valid()));
    }

    @Override
    public Set<String> vanished(Map<String, String> placeByAgent) {
        Set<String> gone = new HashSet<>();
        if (!recovered) {
            return gone;
        }
        for (String agent : placeByAgent.keySet()) {
            if (watch.ofAgent(agent) == null && !provisioningHere(agent)) {
                gone.add(agent);
            }
        }
        return gone;
    }

    @Override
    public List<ReapReport> discardAll() {
        return List.of(reaper.discardAll(lease.name()));
    }

    @Override
    public List<HostStatus> hosts() {
        boolean fenced = lease.valid();
        String error = health.lastError();
        if (recovered && !fenced) {
            error = "this controller does not hold its lease " + lease.name()
                    + (lease.otherHolder() != null ? " (held by " + lease.otherHolder() + ")" : "");
        }
        return List.of(new HostStatus(settings.place(), String.valueOf(client.getMasterUrl()) + " namespace "
                + settings.namespace(), health.isAvailable() && (!recovered || fenced), health.downSince(),
                health.retryAt(), error, health.consecutiveFailures(), recovered, slots.used(),
                settings.maxAgents()));
    }

    @Override
    public List<CacheStats> caches() {
        return claims.stats();
    }

    @Override
    public boolean evict(String place, String volume) {
        return lease.valid() && claims.evict(volume);
    }

    @Override
    public List<CacheMaintenance> maintainCaches(Map<String, Long> budgets, long defaultBudget) {
        if (!recovered || !lease.valid() || !settings.pvcCache()) {
            return List.of();
        }
        long budget = budgets.getOrDefault(settings.place(), defaultBudget);
        try {
            return List.of(new CacheMaintenance(settings.place(), claims.maintain(budget), null));
        } catch (KubernetesClientException e) {
            return List.of(new CacheMaintenance(settings.place(), List.of(), e.getMessage()));
        }
    }

    @Override
    public String diagnostics(AgentHandle handle) {
        return ends.diagnostics(((KubernetesAgent) handle).pod());
    }

    /** The cluster's read-only checks, then a probe pod: Ready, and its root mapped to an unprivileged range. */
    @Override
    public ProbeResult probe(String place, SystemContainerSpec spec, Duration readyTimeout) throws InterruptedException {
        return new PodProbe(client, settings, new PodRenderer(settings, controllerLabel), podPolicy, watch, exec, calls)
                .probe(new ClusterProbe(client, settings).checks(), spec, readyTimeout);
    }

    /**
     * The runtime check of a cluster without a backend's state: the read-only checks and a probe pod, seen through a
     * watch of its own (no controller lease is taken, no claim touched). For a configuration page or a tool.
     */
    public static ProbeResult probeCluster(String controllerId, KubernetesClient client, KubernetesSettings settings,
            SecurityPolicy policy, PodExec exec, SystemContainerSpec spec, Duration readyTimeout)
            throws InterruptedException {
        return PodProbe.probeCluster(controllerId, client, settings, policy, exec, spec, readyTimeout);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        timer.shutdownNow();
        if (!handedOver) {
            lease.release();
        }
        watch.stop();
        claims.stop();
        releases.shutdown();
        try {
            if (!releases.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.fine(() -> "claim releases of " + controllerId + " still running at close; the reaper settles them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
