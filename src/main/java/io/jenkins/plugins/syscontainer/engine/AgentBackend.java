package io.jenkins.plugins.syscontainer.engine;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where agents run: the seam between the Jenkins layer and a container platform. A backend provisions system-container
 * agents, terminates them, finds them again after a restart, reaps what nobody owns, and leases cache volumes. Docker
 * hosts ({@code engine.docker}) are one implementation. Everything here knows nothing of Jenkins.
 *
 * <p>Calls that talk to the platform may block; {@link #freeSlots}, {@link #hosts()} and {@link #caches()} read memory
 * only, so they are cheap enough for Jenkins' provisioning decisions and pages.
 */
public interface AgentBackend extends Closeable {
    /** The id every object this backend creates is labelled with; it never touches another id's objects. */
    String controllerId();

    /**
     * Rebuilds state from the platform after a start: slots of running agents, cache leases. A place (host) that does
     * not answer is left unrecovered and provisions nothing until {@link #recoverPending} recovers it.
     */
    void recover();

    /** Recovers the places that were down at {@link #recover} and answer now; true when one was recovered. */
    boolean recoverPending();

    /** How many more agents with this cache key fit now over the places that can take one (memory only). */
    int freeSlots(String cacheKey);

    /**
     * Provisions one agent and waits until its inner Docker answers. The spec is checked by the security policy before
     * anything is sent to the platform.
     */
    AgentHandle provision(ProvisionRequest req, ProvisioningEvent.Listener listener)
            throws ProvisioningException, InterruptedException;

    /**
     * Removes the agent and releases its cache lease ({@code abnormal}: quarantine the volume) and its slot. Idempotent;
     * throws when the agent could not be removed (the lease is then kept, and the reaper covers the rest).
     */
    void terminate(AgentHandle agent, boolean abnormal, ProvisioningEvent.Listener listener);

    /** Whether this backend made the handle (a handle of a replaced backend must be found again here). */
    boolean owns(AgentHandle agent);

    /** The handle of an agent that exists already (after a restart), or null when it is gone. */
    AgentHandle reattach(String place, AgentIdentity identity);

    /** Why an agent's container ended, if it did (exit code, out of memory), or null while it runs or is unknown. */
    String endReason(AgentHandle agent);

    /** One reaper pass: removes this controller's containers whose agent is not live, once older than the grace. */
    List<ReapReport> reap(Set<String> liveAgents, Duration grace);

    /**
     * The agents (of those given, with the place each runs on) whose container no longer exists on a place that
     * answered: removed by someone else, or lost with the place's disk.
     */
    Set<String> vanished(Map<String, String> placeByAgent);

    /** Removes everything of this controller id, cache volumes included (a deleted cloud). */
    List<ReapReport> discardAll();

    /** The places agents go to, with their health (memory only). */
    List<HostStatus> hosts();

    /** The cache pools (memory only). */
    List<CacheStats> caches();

    /** Removes an idle or quarantined cache volume; false when it is leased or unknown. */
    boolean evict(String place, String volume);

    /** Keeps each place's cache volumes within its time-to-live and size budget (bytes by place, else the default). */
    List<CacheMaintenance> maintainCaches(Map<String, Long> budgets, long defaultBudget);

    /**
     * Measures the size of every cache volume now, instead of at the next scheduled measurement of
     * {@link #maintainCaches} (an expensive walk of the places' disks: an administrator's request, on a pool thread).
     */
    default void refreshCacheSizes() throws IOException {
    }

    /**
     * Whether each place that answers has this image locally (place name to true or false); places that are down or
     * fail to answer are left out. One short call per place.
     */
    default Map<String, Boolean> imagePresence(String image) {
        return Map.of();
    }

    /**
     * An agent whose container is gone (removed by someone else, or with its place) and that has no handle to
     * terminate: releases any cache lease it still holds (quarantined: its inner Docker's state is unknown) and its
     * slot. Idempotent.
     */
    default void containerGone(String place, String agentName) {
    }

    /** The container's and the inner Docker's last log lines, for a failure message. */
    String diagnostics(AgentHandle agent);

    /** Checks that a place really runs Sysbox: starts a probe system container and looks at its user namespace. */
    ProbeResult probe(String place, SystemContainerSpec spec, Duration readyTimeout) throws InterruptedException;

    /** What one cache-maintenance pass did on one place. */
    record CacheMaintenance(String place, List<String> evicted, String error) {
    }

    @Override
    void close() throws IOException;
}
