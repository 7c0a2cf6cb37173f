package io.jenkins.plugins.syscontainer.agent;

import hudson.ExtensionList;
import hudson.ExtensionPoint;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import java.util.Map;
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
    /** Agent JVMs started while their container's inner Docker starts, until their launcher takes them. */
    private final Map<String, EarlyJvm> earlyJvms = new ConcurrentHashMap<>();

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

    /**
     * An agent took its first build ({@code fromStandby}: out of its template's standby pool): counted for the
     * cloud's page, and the pool refilled.
     */
    public abstract void tookBuild(SystemContainerAgent agent, boolean fromStandby);

    void earlyJvm(String agent, EarlyJvm jvm) {
        earlyJvms.put(agent, jvm);
    }

    /** The agent's early-started JVM, once: the launcher that takes it owns it. */
    EarlyJvm takeEarlyJvm(String agent) {
        return earlyJvms.remove(agent);
    }

    /** Drops an agent's early-started JVM that no launcher will take (its provisioning failed, or it is removed). */
    public void dropEarlyJvm(String agent) {
        EarlyJvm jvm = earlyJvms.remove(agent);
        if (jvm != null) {
            jvm.drop();
        }
    }

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
