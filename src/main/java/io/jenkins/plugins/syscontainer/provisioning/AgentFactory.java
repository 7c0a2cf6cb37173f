package io.jenkins.plugins.syscontainer.provisioning;

import hudson.AbortException;
import hudson.model.Computer;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.Queue;
import hudson.slaves.NodeProvisioner.PlannedNode;
import io.jenkins.plugins.syscontainer.agent.ProvisionLog;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Starts agents off Jenkins' provisioning thread: each planned node's future provisions the container through the
 * cloud's backend on Jenkins' remoting thread pool and completes with the agent node. The agents in flight are kept
 * in the cloud's {@link CloudActivity} (removed when their future completes, whatever the outcome), so caps computed
 * from them cannot leak. An expected failure (a bad template, a missing image, a host down) completes the future with
 * an {@link AbortException}: Jenkins then logs its message without a stack trace, and the cloud's page keeps it.
 */
public final class AgentFactory {
    private static final Logger LOG = Logger.getLogger(AgentFactory.class.getName());

    private AgentFactory() {
    }

    static String newAgentName(String template) {
        return "sca-" + template + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A planned node for one agent of the recipe. Progress goes to the Jenkins log, and for a step also to its build. */
    public static PlannedNode plan(ProvisioningCloud cloud, AgentBackend backend, AgentRecipe recipe, Label label) {
        CloudEngines engines = CloudEngines.get();
        String agent = newAgentName(recipe.templateName());
        CloudEngines.Use use;
        try {
            use = engines.use(backend); // now, on the provisioner's thread: a configuration change waits for this one
        } catch (ProvisioningException e) {
            return new PlannedNode(agent, CompletableFuture.failedFuture(new AbortException(e.getMessage())),
                    recipe.executors());
        }
        CloudActivity activity = engines.activity(cloud.cloudId());
        activity.provisioning(agent, recipe.templateName(), recipe.standby());
        ProvisionLog log = recipe.buildLog() != null ? ProvisionLog.toStreamAndLogger(recipe.buildLog().getLogger(), LOG)
                : ProvisionLog.toLogger(LOG);
        log.line("provisioning " + agent + " from template " + recipe.templateName() + " of cloud "
                + cloud.displayName() + (recipe.standby() ? " for its standby pool" : " for label " + recipe.label()));
        long queuedSince = recipe.standby() ? -1 : oldestQueued(label); // no build waits for a standby agent
        CompletableFuture<Node> f = new CompletableFuture<>();
        Computer.threadPoolForRemoting.submit(() -> {
            try (use) {
                f.complete(provision(cloud, backend, recipe, agent, log, queuedSince));
            } catch (Throwable e) {
                engines.dropEarlyJvm(agent); // no node: no launcher will take it
                f.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            } finally {
                activity.provisioned(agent, f.isDone() && !f.isCompletedExceptionally());
                // Jenkins adds the node at its provisioner's next pass, which may be a while away (the first one comes
                // 100 s after start): ask the provisioner that holds this planned node for a pass now.
                (label == null ? Jenkins.get().unlabeledNodeProvisioner : label.nodeProvisioner).suggestReviewNow();
            }
        });
        return new PlannedNode(agent, f, recipe.executors());
    }

    /** The completion of a planned node of this factory (its futures are all completable ones). */
    static CompletableFuture<Node> completion(PlannedNode p) {
        return (CompletableFuture<Node>) p.future;
    }

    /** When the longest-waiting build for this label entered the queue (now, when none waits): a start's origin. */
    static long oldestQueued(Label label) {
        long oldest = System.currentTimeMillis();
        for (Queue.Item item : Jenkins.get().getQueue().getItems()) {
            if (Objects.equals(item.getAssignedLabel(), label)) {
                oldest = Math.min(oldest, item.getInQueueSince());
            }
        }
        return oldest;
    }

    /**
     * Provisions and wraps the container as a node. An agent nobody wants any more once it is ready (its pipeline
     * block ended while it started) is removed again at once instead of being added.
     */
    static Node provision(ProvisioningCloud cloud, AgentBackend backend, AgentRecipe recipe, String agent,
            ProvisionLog log, long queuedSince) throws AbortException, InterruptedException {
        CloudActivity activity = CloudEngines.get().activity(cloud.cloudId());
        try {
            AgentIdentity id = new AgentIdentity(CloudEngines.get().scope(cloud.cloudId()), cloud.displayName(),
                    recipe.templateName(), agent);
            AgentHandle c = backend.provision(recipe.request(id), e -> {
                if (e.step() == ProvisioningEvent.Step.HOST_CHOSEN) {
                    activity.placed(agent);
                }
                log.event(e);
            });
            if (!recipe.stillWanted()) {
                backend.terminate(c, false, log::event);
                log.line(agent + " removed again: the pipeline block it was started for has ended");
                throw new AbortException("agent " + agent + " is no longer wanted: the pipeline block it was started for"
                        + " has ended");
            }
            try {
                return recipe.node(agent, c, log.lines(), queuedSince);
            } catch (Exception e) {
                backend.terminate(c, false, log::event);
                throw new AbortException("could not add agent " + agent + ": " + e);
            }
        } catch (IllegalArgumentException e) {
            throw failed(cloud, recipe, FailureKind.BAD_TEMPLATE, e.getMessage(), log);
        } catch (ProvisioningException e) {
            throw failed(cloud, recipe, e.kind(), e.getRawMessage(), log);
        }
    }

    private static AbortException failed(ProvisioningCloud cloud, AgentRecipe recipe, FailureKind kind, String message,
            ProvisionLog log) {
        boolean suspended = recipe.failed(kind, message);
        if (suspended) {
            log.line("template " + recipe.templateName() + " of cloud " + cloud.displayName() + " suspended for "
                    + TemplateSuspensions.SUSPENSION.toMinutes() + " minutes (or until the cloud is saved): " + message);
        } else {
            log.line("provisioning failed" + (kind.templateFatal() ? "" : ", will try again or elsewhere") + ": ["
                    + kind + "] " + message);
        }
        return new AbortException("[" + kind + "] " + message);
    }
}
