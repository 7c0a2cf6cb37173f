package io.jenkins.plugins.syscontainer.provisioning;

import hudson.model.Node;
import hudson.model.TaskListener;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import java.util.List;

/**
 * One kind of agent to make, as the cloud's configuration describes it: passed down to the factory, which does the
 * work without knowing templates.
 */
public interface AgentRecipe {
    /** The template's name: caps, failures and suspensions are per template. */
    String templateName();

    int executors();

    /** The label the agent serves, for progress lines. */
    String label();

    /** Where progress goes besides the Jenkins log: a pipeline step's build log, or null. */
    TaskListener buildLog();

    /** The cache key its agents lease from (null: none), for placing it on a host with a warm volume. */
    String cacheKey();

    /**
     * The engine's request for an agent of this identity; throws {@link IllegalArgumentException} naming the field.
     * Called on the provisioning thread, never under a lock: it may look up registry credentials.
     */
    ProvisionRequest request(AgentIdentity identity);

    /** Whether the agent is started ahead of demand, for its template's standby pool. */
    default boolean standby() {
        return false;
    }

    /** Whether the agent is still wanted once ready (a pipeline step's block may have ended while it started). */
    boolean stillWanted();

    /** The Jenkins node for a ready container made by {@code backend}. */
    Node node(String agentName, AgentHandle handle, List<String> provisioningLog, long queuedSince) throws Exception;

    /**
     * A provisioning failure: kept for the cloud's page (and logged), and told to whoever the template serves; true
     * when the template is now suspended.
     */
    boolean failed(FailureKind kind, String message);
}
