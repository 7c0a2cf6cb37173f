package io.jenkins.plugins.syscontainer.provisioning;

import hudson.model.Label;
import hudson.slaves.NodeProvisioner.PlannedNode;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * What the provisioning room needs of a cloud, passed down so that it never reaches up to the cloud's configuration:
 * its id, its backend's recipe, and the reasons builds for a label cannot be served now. Everything here is cheap (no
 * network, no credentials): it is asked on Jenkins' provisioning and queue paths.
 */
public interface ProvisioningCloud {
    /** The id that scopes everything the cloud made (kept across renames). */
    String cloudId();

    /** The cloud's name, for messages. */
    String displayName();

    /** How its backend is built (a cheap fingerprint of the settings it depends on, and the build itself). */
    BackendRecipe backendRecipe();

    /** Whether a template of this cloud serves the label (the static answer core caches). */
    boolean serves(Label label);

    /**
     * Why the template that serves this label cannot provision now (a bad setting, a suspension after a failure no
     * other try can fix, a pipeline step's failure), or null when it can or no template serves the label.
     */
    String blockedReason(Label label);

    /**
     * Why builds for this label wait although the template is fine (every host down, with since when, the next try
     * and the last error), or null when a host can take agents or no template serves the label.
     */
    String waitingReason(Label label);

    /** The templates with a standby pool that can provision now (configuration only: no call to anything). */
    default List<StandbyTarget> standbyTargets() {
        return List.of();
    }

    /**
     * Plans up to {@code wanted} agents for a template's standby pool, within the same caps and free slots as agents
     * for queued builds; fewer, or none, when those are reached. Their futures complete with nodes nobody adds yet.
     */
    default List<PlannedNode> planStandby(String template, int wanted) {
        return List.of();
    }

    /**
     * A template's standby pool: how many agents to keep ready, how old one may get before it is replaced, and the
     * shape its agents must have (see {@link #shape}).
     */
    record StandbyTarget(String template, int agents, Duration maxAge, String shape) {
        /** An agent's shape: the digest of the settings its container was started from, its labels, mode, executors. */
        public static String shape(String settings, String labels, String mode, int executors) {
            return settings + "|" + labels + "|" + mode + "|" + executors;
        }
    }

    /**
     * How a backend is built: {@code fingerprint} names everything it depends on (a change builds a new one), and
     * {@code build} makes it, given the backend it replaces (or null) so that state such as cache leases carries over.
     * Building may look up credentials and talk to nobody else; it runs on a pool thread.
     */
    record BackendRecipe(String fingerprint, Function<AgentBackend, AgentBackend> build) {
    }
}
