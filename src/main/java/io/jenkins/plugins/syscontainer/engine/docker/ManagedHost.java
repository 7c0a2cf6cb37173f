package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.jenkins.plugins.syscontainer.engine.HostHealth;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

/**
 * A configured Docker host at run time: its shared clients (created on first use, closed with the engine), its
 * health, and the agents placed on it. Capacity is the set of agent names living or being provisioned here, so it
 * cannot drift the way a counter can: a name is added when provisioning starts and removed when the agent is
 * terminated, provisioning fails, or the reaper finds its container gone.
 */
public final class ManagedHost implements Closeable {
    private final DockerHost config;
    private final HostHealth health;
    private final Set<String> agents = new HashSet<>();
    /**
     * Containers of failed starts whose removal failed (the host stopped answering under them): removed when the host
     * answers again, instead of after the reaper's grace period. Bounded; past it the reaper covers them.
     */
    private final java.util.Map<String, String> unremoved = new java.util.LinkedHashMap<>();
    /**
     * Whether a recovery of this host's state failed (it did not answer) and has not succeeded since: its running
     * agents and cache volumes are not known, so it takes no agent. A host whose engine never asked to recover (a
     * one-off tool) is usable as it is.
     */
    private boolean recoveryPending;
    private DockerClient api;
    private DockerClient streaming;
    private DockerHttpClient raw;

    public ManagedHost(DockerHost config, Clock clock) {
        this.config = config;
        this.health = new HostHealth(clock);
    }

    public DockerHost config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public HostHealth health() {
        return health;
    }

    /** The request/response client (bounded by the host's response timeout). */
    public synchronized DockerClient api() {
        if (api == null) {
            api = DockerClients.api(config);
        }
        return api;
    }

    /** The client for long-lived attached streams. */
    public synchronized DockerClient streaming() {
        if (streaming == null) {
            streaming = DockerClients.streaming(config);
        }
        return streaming;
    }

    /** The raw transport for API endpoints docker-java has no command for. */
    public synchronized DockerHttpClient raw() {
        if (raw == null) {
            raw = DockerClients.transport(config);
        }
        return raw;
    }

    public synchronized boolean isRecovered() {
        return !recoveryPending;
    }

    synchronized void recovered(boolean ok) {
        recoveryPending = !ok;
    }

    /** Takes a slot for {@code agentName}; false when the host is full. Idempotent per name. */
    public synchronized boolean tryReserve(String agentName) {
        if (agents.contains(agentName)) {
            return true;
        }
        if (agents.size() >= config.maxAgents()) {
            return false;
        }
        agents.add(agentName);
        return true;
    }

    public synchronized void release(String agentName) {
        agents.remove(agentName);
    }

    /** A failed start's container that could not be removed: to be removed again (see {@link #unremoved}). */
    synchronized void leftBehind(String containerId, String agentName) {
        if (unremoved.size() < 1000) {
            unremoved.put(containerId, agentName);
        }
    }

    /** Container id to the agent it was started for. */
    synchronized java.util.Map<String, String> leftBehind() {
        return java.util.Map.copyOf(unremoved);
    }

    synchronized void removed(String containerId) {
        unremoved.remove(containerId);
    }

    public synchronized int activeAgents() {
        return agents.size();
    }

    public synchronized int freeSlots() {
        return Math.max(0, config.maxAgents() - agents.size());
    }

    public synchronized Set<String> agentNames() {
        return Set.copyOf(agents);
    }

    @Override
    public synchronized void close() throws IOException {
        IOException first = null;
        for (Closeable c : new Closeable[] {api, streaming, raw}) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
        }
        api = null;
        streaming = null;
        raw = null;
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return config + " " + activeAgents() + "/" + config.maxAgents() + " agents, " + health;
    }
}
