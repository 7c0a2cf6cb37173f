package io.jenkins.plugins.syscontainer.agent;

import hudson.ExtensionList;
import hudson.ExtensionPoint;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How an agent reaches the engine of its cloud, passed down from the provisioning room (which builds one backend per
 * cloud) so that agents, launchers and retention never reach up to the cloud's configuration. One per controller.
 * It also owns the set of agents whose container is being removed now: their node is gone from Jenkins already,
 * and the reaper must not take their container for an orphan.
 */
public abstract class AgentEngines implements ExtensionPoint {
    private final Set<String> terminating = ConcurrentHashMap.newKeySet();

    public static AgentEngines get() {
        return ExtensionList.lookupSingleton(AgentEngines.class);
    }

    /** The cloud's backend, waiting for it to be built or recovered if needed; null when no cloud has this id. */
    public abstract AgentBackend backend(String cloudId);

    /** The controller id (Docker label scope) of a cloud's objects. */
    public abstract String scope(String cloudId);

    /** The cloud's name now (it may have been renamed), or null when it is gone. */
    public abstract String cloudName(String cloudId);

    /** Whether the cloud still has a template for this label (a step's one-off label goes when its block ends). */
    public abstract boolean serves(String cloudId, String label);

    /** The agent's container is being removed (its node already gone), until {@link #terminated}. */
    void terminating(String agent) {
        terminating.add(agent);
    }

    void terminated(String agent) {
        terminating.remove(agent);
    }

    /** Agents whose container is being removed now. */
    public Set<String> terminatingAgents() {
        return Set.copyOf(terminating);
    }
}
