package io.jenkins.plugins.syscontainer.testsupport;

import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.AgentChannel;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.HostStatus;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent.Step;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.ReapReport;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.cache.CacheLedger;
import io.jenkins.plugins.syscontainer.engine.cache.CacheVolumePool;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeLease;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend behind the engine's own interface that keeps its "containers" in memory and runs each agent as a local
 * process: the Jenkins layer's provisioning, retention, queue guard, suspensions, pipeline step and cleanup can then
 * be tested where Docker with Sysbox is absent (ci.jenkins.io). The cache pools are the engine's real ones, over an
 * in-memory volume store. Faults are injected through {@link Places}: a place down, the next provisions failing with
 * a given kind, a delay, an agent's processes killed. It is an addition to the tests against real Docker, never a
 * replacement: nothing here says anything about Docker or Sysbox.
 */
public final class InMemoryBackend implements AgentBackend {
    private final String controllerId;
    private final SecurityPolicy policy;
    private final Places places;
    private final CacheVolumePool pool;
    private final Map<String, Agent> agents = new ConcurrentHashMap<>();

    /** The fault switches and counters of one in-memory cloud, shared by every backend built for it. */
    public static final class Places {
        private final Map<String, Place> byName = new LinkedHashMap<>();
        final Map<String, Map<String, String>> volumes = new ConcurrentHashMap<>();
        public final AtomicInteger provisions = new AtomicInteger();
        public final AtomicInteger terminations = new AtomicInteger();
        private volatile FailureKind failKind;
        private volatile String failMessage;
        private final AtomicInteger failuresLeft = new AtomicInteger();
        private volatile Duration delay = Duration.ZERO;
        /** Agents whose processes were killed, with the reason their "container" ended. */
        final Map<String, String> ended = new ConcurrentHashMap<>();
        /** Agents whose "container" was removed behind the engine's back. */
        final Set<String> vanished = ConcurrentHashMap.newKeySet();
        final Set<String> live = ConcurrentHashMap.newKeySet();
        /** Wraps each backend built for the cloud (a test that watches every call sets it). */
        public volatile java.util.function.UnaryOperator<AgentBackend> decorate = java.util.function.UnaryOperator.identity();

        public Places(String... names) {
            for (String n : names) {
                byName.put(n, new Place(n, 10));
            }
        }

        public synchronized Places maxAgents(String place, int max) {
            byName.put(place, new Place(place, max));
            return this;
        }

        public synchronized void down(String place, String why) {
            byName.get(place).down = why;
        }

        public synchronized void up(String place) {
            byName.get(place).down = null;
        }

        /** The next {@code n} provisions fail with this kind and message. */
        public void failNext(int n, FailureKind kind, String message) {
            failKind = kind;
            failMessage = message;
            failuresLeft.set(n);
        }

        public void delay(Duration d) {
            delay = d;
        }

        /** Agents whose "container" exists now. */
        public Set<String> liveAgents() {
            return Set.copyOf(live);
        }

        /** Every cache volume in the store (name to its labels). */
        public Map<String, Map<String, String>> volumes() {
            return Map.copyOf(volumes);
        }

        synchronized List<Place> all() {
            return new ArrayList<>(byName.values());
        }
    }

    static final class Place {
        final String name;
        final int maxAgents;
        volatile String down;
        final Set<String> agents = ConcurrentHashMap.newKeySet();
        Instant downSince;

        Place(String name, int maxAgents) {
            this.name = name;
            this.maxAgents = maxAgents;
        }
    }

    private record Agent(AgentIdentity identity, String place, String id, VolumeLease lease, Instant createdAt,
            List<ProvisioningEvent> timings, LocalChannel local, boolean[] terminated) implements AgentHandle {
        @Override
        public String hostName() {
            return place;
        }

        @Override
        public String containerId() {
            return id;
        }

        @Override
        public String cacheVolume() {
            return lease == null ? null : lease.volumeName();
        }

        @Override
        public AgentChannel channel() {
            return local;
        }

        @Override
        public boolean isTerminated() {
            return terminated[0];
        }
    }

    public InMemoryBackend(String controllerId, SecurityPolicy policy, Places places, CacheVolumePool inherited) {
        this.controllerId = controllerId;
        this.policy = policy;
        this.places = places;
        this.pool = inherited != null ? inherited : new CacheVolumePool(controllerId, Clock.systemUTC(), CacheLedger.inMemory());
    }

    CacheVolumePool pool() {
        return pool;
    }

    @Override
    public String controllerId() {
        return controllerId;
    }

    @Override
    public void recover() {
        for (Place p : places.all()) {
            p.agents.clear();
            for (String a : places.live) {
                Agent known = agents.get(a);
                if (known != null && known.place.equals(p.name)) {
                    p.agents.add(a);
                }
            }
        }
    }

    @Override
    public boolean recoverPending() {
        return false;
    }

    @Override
    public int freeSlots(String cacheKey) {
        return places.all().stream().filter(p -> p.down == null).mapToInt(p -> Math.max(0, p.maxAgents - p.agents.size())).sum();
    }

    @Override
    public AgentHandle provision(ProvisionRequest req, ProvisioningEvent.Listener listener)
            throws ProvisioningException, InterruptedException {
        policy.enforce(req.spec());
        places.provisions.incrementAndGet();
        String agent = req.identity().agentName();
        Place place = null;
        for (Place p : places.all()) {
            if (p.down == null && p.agents.size() < p.maxAgents) {
                place = p;
                break;
            }
        }
        if (place == null) {
            throw new ProvisioningException(FailureKind.HOST_UNAVAILABLE, "no in-memory place can take agent " + agent
                    + " now: " + describeDown());
        }
        place.agents.add(agent);
        List<ProvisioningEvent> timings = new ArrayList<>();
        step(timings, listener, agent, Step.HOST_CHOSEN, place.name);
        try {
            if (places.failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new ProvisioningException(places.failKind, places.failMessage + " (on place '" + place.name + "')");
            }
            Thread.sleep(places.delay.toMillis());
            VolumeLease lease = pool.lease(new Store(place.name), req, false);
            step(timings, listener, agent, Step.VOLUME_LEASED, lease.volumeName() + (lease.fresh() ? " (new)" : " (reused)"));
            step(timings, listener, agent, Step.CREATED, null);
            step(timings, listener, agent, Step.STARTED, null);
            LocalChannel local = new LocalChannel();
            if (req.whileStarting() != null) {
                Thread.ofVirtual().name("while-starting-" + agent).start(() -> req.whileStarting().run(local));
            }
            step(timings, listener, agent, Step.INNER_DOCKER_READY, "storage driver in-memory");
            Agent a = new Agent(req.identity(), place.name, "mem-" + UUID.randomUUID().toString().substring(0, 12), lease,
                    Instant.now(), timings, local, new boolean[1]);
            agents.put(agent, a);
            places.live.add(agent);
            return a;
        } catch (ProvisioningException | InterruptedException | RuntimeException e) {
            place.agents.remove(agent);
            throw e;
        }
    }

    private String describeDown() {
        List<String> parts = new ArrayList<>();
        for (Place p : places.all()) {
            parts.add(p.name + (p.down != null ? " down: " + p.down : " full"));
        }
        return String.join("; ", parts);
    }

    private static void step(List<ProvisioningEvent> timings, ProvisioningEvent.Listener l, String agent, Step step,
            String detail) {
        ProvisioningEvent e = new ProvisioningEvent(agent, step, Duration.ofMillis(1), detail);
        timings.add(e);
        l.onEvent(e);
    }

    @Override
    public void terminate(AgentHandle handle, boolean abnormal, ProvisioningEvent.Listener listener) {
        Agent a = (Agent) handle;
        synchronized (a) {
            if (a.terminated[0]) {
                return;
            }
            a.terminated[0] = true;
        }
        a.local.killAll();
        places.terminations.incrementAndGet();
        places.live.remove(a.agentName());
        if (a.lease != null) {
            a.lease.release(!abnormal);
        }
        for (Place p : places.all()) {
            p.agents.remove(a.agentName());
        }
        listener.onEvent(new ProvisioningEvent(a.agentName(), Step.REMOVED, Duration.ZERO, null));
    }

    /** Kills the agent's processes, as a container killed under a build (exit code 137). */
    public void kill(String agentName) {
        Agent a = agents.get(agentName);
        if (a != null) {
            places.ended.put(agentName, "the in-memory container of " + agentName + " was killed with exit code 137, not OOM-killed");
            a.local.killAll();
        }
    }

    /** Removes the agent's "container" behind the engine's back. */
    public void vanish(String agentName) {
        Agent a = agents.get(agentName);
        if (a != null) {
            places.vanished.add(agentName);
            places.live.remove(agentName);
            a.local.killAll();
        }
    }

    @Override
    public boolean owns(AgentHandle agent) {
        return agent instanceof Agent a && agents.get(a.agentName()) == a;
    }

    @Override
    public AgentHandle reattach(String place, AgentIdentity identity) {
        Agent a = agents.get(identity.agentName());
        return a != null && places.live.contains(identity.agentName()) ? a : null;
    }

    @Override
    public String endReason(AgentHandle agent) {
        if (places.vanished.contains(agent.agentName())) {
            return "the in-memory container of " + agent.agentName() + " no longer exists";
        }
        return places.ended.get(agent.agentName());
    }

    @Override
    public List<ReapReport> reap(Set<String> liveAgents, Duration grace) {
        List<String> removed = new ArrayList<>();
        for (Agent a : List.copyOf(agents.values())) {
            if (!a.terminated[0] && places.live.contains(a.agentName()) && !liveAgents.contains(a.agentName())
                    && !a.createdAt.plus(grace).isAfter(Instant.now())) {
                terminate(a, true, ProvisioningEvent.Listener.NONE);
                removed.add(a.agentName());
            }
        }
        return List.of(new ReapReport("in-memory", removed, List.of(), List.of(), List.of()));
    }

    @Override
    public Set<String> vanished(Map<String, String> placeByAgent) {
        Set<String> gone = new HashSet<>();
        placeByAgent.keySet().forEach(a -> {
            if (places.vanished.contains(a)) {
                gone.add(a);
            }
        });
        return gone;
    }

    @Override
    public List<ReapReport> discardAll() {
        List<String> removed = new ArrayList<>();
        for (Agent a : List.copyOf(agents.values())) {
            if (!a.terminated[0]) {
                terminate(a, false, ProvisioningEvent.Listener.NONE);
                removed.add(a.agentName());
            }
        }
        List<String> vols = new ArrayList<>(places.volumes.keySet());
        places.volumes.clear();
        return List.of(new ReapReport("in-memory", removed, List.of(), List.of(), vols));
    }

    @Override
    public List<HostStatus> hosts() {
        List<HostStatus> out = new ArrayList<>();
        for (Place p : places.all()) {
            out.add(new HostStatus(p.name, "memory://" + p.name, p.down == null, p.down == null ? null : Instant.EPOCH,
                    p.down == null ? null : Instant.now().plusSeconds(5), p.down, p.down == null ? 0 : 1, true,
                    p.agents.size(), p.maxAgents));
        }
        return out;
    }

    @Override
    public List<CacheStats> caches() {
        return pool.stats();
    }

    @Override
    public boolean evict(String place, String volume) {
        return false;
    }

    @Override
    public List<CacheMaintenance> maintainCaches(Map<String, Long> budgets, long defaultBudget) {
        return List.of();
    }

    @Override
    public String diagnostics(AgentHandle agent) {
        return "(an in-memory agent has no container log)";
    }

    @Override
    public ProbeResult probe(String place, SystemContainerSpec spec, Duration readyTimeout) {
        return new ProbeResult(place, List.of(new ProbeResult.Check("in-memory", ProbeResult.Status.PASS, "no Docker here")));
    }

    @Override
    public void close() {
        // nothing to close: agents live until terminated
    }

    /** The in-memory volumes of one place, mounted by the agents holding their leases. */
    private final class Store implements VolumeStore {
        private final String place;

        Store(String place) {
            this.place = place;
        }

        @Override
        public String place() {
            return place;
        }

        @Override
        public void create(String name, Map<String, String> labels) {
            Map<String, String> l = new HashMap<>(labels);
            l.put("place", place);
            places.volumes.put(name, l);
        }

        @Override
        public void cloneFrom(String golden, String target, SystemContainerSpec spec) {
            // nothing to copy in memory
        }

        @Override
        public boolean remove(String name) {
            if (!users(name).isEmpty()) {
                return false;
            }
            places.volumes.remove(name);
            return true;
        }

        @Override
        public List<String> users(String name) {
            List<String> users = new ArrayList<>();
            for (Agent a : agents.values()) {
                if (!a.terminated[0] && name.equals(a.cacheVolume())) {
                    users.add(a.id());
                }
            }
            return users;
        }

        @Override
        public Map<String, Map<String, String>> list(Map<String, String> labels) {
            Map<String, Map<String, String>> out = new LinkedHashMap<>();
            places.volumes.forEach((n, l) -> {
                if (place.equals(l.get("place")) && l.entrySet().containsAll(labels.entrySet())) {
                    out.put(n, l);
                }
            });
            return out;
        }

        @Override
        public Map<String, Long> sizes() {
            return Map.of();
        }
    }
}
