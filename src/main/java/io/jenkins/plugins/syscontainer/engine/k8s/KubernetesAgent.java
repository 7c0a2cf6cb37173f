package io.jenkins.plugins.syscontainer.engine.k8s;

import io.jenkins.plugins.syscontainer.engine.AgentChannel;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A ready agent pod: its name and uid, the node it runs on, the claim it mounts (or none), its channel. */
final class KubernetesAgent implements AgentHandle {
    private final KubernetesBackend backend;
    private final AgentIdentity identity;
    private final String pod;
    private final String uid;
    private final String node;
    private final String claim;
    private final Instant createdAt;
    private final List<ProvisioningEvent> timings;
    private final AgentChannel channel;
    private final AtomicBoolean terminated = new AtomicBoolean();

    KubernetesAgent(KubernetesBackend backend, AgentIdentity identity, String pod, String uid, String node, String claim,
            Instant createdAt, List<ProvisioningEvent> timings, AgentChannel channel) {
        this.backend = backend;
        this.identity = identity;
        this.pod = pod;
        this.uid = uid;
        this.node = node;
        this.claim = claim;
        this.createdAt = createdAt;
        this.timings = List.copyOf(timings);
        this.channel = channel;
    }

    KubernetesBackend backend() {
        return backend;
    }

    @Override
    public AgentIdentity identity() {
        return identity;
    }

    String pod() {
        return pod;
    }

    /** The node the pod runs on. */
    @Override
    public String hostName() {
        return node;
    }

    /** The pod's uid: a pod of the same name made later is another pod. */
    @Override
    public String containerId() {
        return uid;
    }

    @Override
    public String cacheVolume() {
        return claim;
    }

    @Override
    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public List<ProvisioningEvent> timings() {
        return timings;
    }

    @Override
    public AgentChannel channel() {
        return channel;
    }

    void markTerminated() {
        terminated.set(true);
    }

    @Override
    public boolean isTerminated() {
        return terminated.get();
    }

    @Override
    public String toString() {
        return identity.agentName() + " in pod " + pod + " on node " + node + (claim != null ? ", claim " + claim : "");
    }
}
