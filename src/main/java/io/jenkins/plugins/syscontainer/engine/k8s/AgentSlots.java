package io.jenkins.plugins.syscontainer.engine.k8s;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents one backend runs in its namespace: those Ready (provisioned or found again after a restart) and those
 * whose provision is under way. Together they are held to the placement's most agents; the reaper leaves both alone.
 * Memory only: {@link #free} is cheap enough for Jenkins' provisioning decisions.
 */
final class AgentSlots {
    private final Map<String, KubernetesAgent> ready = new ConcurrentHashMap<>();
    private final Set<String> starting = ConcurrentHashMap.newKeySet();

    /** Takes a slot for an agent about to be provisioned; false when all {@code max} are taken. */
    synchronized boolean reserve(String agent, int max) {
        if (ready.size() + starting.size() >= max) {
            return false;
        }
        return starting.add(agent);
    }

    /** The provision ended (Ready or failed): the agent no longer counts as starting. */
    void unreserve(String agent) {
        starting.remove(agent);
    }

    void ready(KubernetesAgent a) {
        ready.put(a.agentName(), a);
    }

    /** The agent was terminated; a newer handle of the same name is left alone. */
    void remove(KubernetesAgent a) {
        ready.remove(a.agentName(), a);
    }

    /** A pod is gone: its agent, if that pod was its own, holds no slot any more. */
    void podGone(String agent, String pod) {
        KubernetesAgent a = ready.get(agent);
        if (a != null && a.pod().equals(pod)) {
            ready.remove(agent, a);
        }
    }

    boolean starting(String agent) {
        return starting.contains(agent);
    }

    int used() {
        return ready.size() + starting.size();
    }

    int free(int max) {
        return Math.max(0, max - used());
    }
}
