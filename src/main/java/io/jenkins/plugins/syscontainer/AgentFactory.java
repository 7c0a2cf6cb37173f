package io.jenkins.plugins.syscontainer;

import hudson.AbortException;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.slaves.NodeProvisioner.PlannedNode;
import io.jenkins.plugins.syscontainer.engine.AgentContainer;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SystemContainerEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Starts agents off Jenkins' provisioning thread: each planned node's future provisions the container through the
 * engine on Jenkins' remoting thread pool and completes with the agent node. The agents in flight are a set of names
 * (removed when their future completes, whatever the outcome), so caps computed from it cannot leak. An expected
 * failure (a bad template, a missing image, a host down) completes the future with an {@link AbortException}: Jenkins
 * then logs its message without a stack trace, and {@link ProvisioningFailures} keeps it for the cloud's page.
 */
final class AgentFactory {
    private static final Logger LOG = Logger.getLogger(AgentFactory.class.getName());
    /** cloud id + "/" + template + "/" + agent of every agent being provisioned. */
    private static final Set<String> IN_FLIGHT = ConcurrentHashMap.newKeySet();
    /** Provisions under way per engine: a replaced engine is closed only once its count is back to 0. */
    private static final Map<SystemContainerEngine, AtomicInteger> BUSY = new ConcurrentHashMap<>();

    private AgentFactory() {
    }

    static int inFlight(String cloudId, String template) {
        String prefix = cloudId + "/" + (template == null ? "" : template + "/");
        return (int) IN_FLIGHT.stream().filter(k -> k.startsWith(prefix)).count();
    }

    /** Names of the agents being provisioned now, for the reaper's set of live agents. */
    static List<String> inFlightAgents() {
        List<String> names = new ArrayList<>();
        IN_FLIGHT.forEach(k -> names.add(k.substring(k.lastIndexOf('/') + 1)));
        return names;
    }

    /** A provision under way on an engine, for {@link #idle}. */
    interface Use extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Registers a provision on the engine before any work starts; refused once a configuration change retires the
     * engine (the count is raised first and the retirement checked after, so {@link CloudEngines} either sees this
     * use while it waits, or this call sees the retirement).
     */
    static Use use(SystemContainerEngine engine) throws ProvisioningException {
        AtomicInteger n = BUSY.computeIfAbsent(engine, e -> new AtomicInteger());
        n.incrementAndGet();
        if (CloudEngines.isRetired(engine)) {
            n.decrementAndGet();
            throw new ProvisioningException(FailureKind.UNKNOWN,
                    "the cloud's hosts changed while this agent was being planned; it is provisioned again", null);
        }
        return n::decrementAndGet;
    }

    /** Whether no provision is under way on this engine. */
    static boolean idle(SystemContainerEngine engine) {
        AtomicInteger n = BUSY.get(engine);
        return n == null || n.get() == 0;
    }

    static void forget(SystemContainerEngine engine) {
        BUSY.remove(engine);
    }

    static String newAgentName(AgentTemplate t) {
        return "sca-" + t.getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A planned node for the template serving a label. Progress goes to the Jenkins log, and for a step's one-off
     * template also to the build's log.
     */
    static PlannedNode plan(SystemContainerCloud cloud, SystemContainerCloud.TemplateMatch m, SystemContainerEngine engine,
            hudson.model.Label label) {
        AgentTemplate t = m.template();
        String agent = newAgentName(t);
        String key = cloud.getCloudId() + "/" + t.getName() + "/" + agent;
        Use use;
        try {
            use = use(engine); // now, on the provisioner's thread: a configuration change waits for this provision
        } catch (ProvisioningException e) {
            return new PlannedNode(agent, CompletableFuture.failedFuture(new AbortException(e.getMessage())),
                    t.getNumExecutors());
        }
        IN_FLIGHT.add(key);
        ProvisionLog log = m.step() != null && m.step().listener() != null
                ? ProvisionLog.toStreamAndLogger(m.step().listener().getLogger(), LOG) : ProvisionLog.toLogger(LOG);
        log.line("provisioning " + agent + " from template " + t.getName() + " of cloud " + cloud.name + " for label "
                + (m.stepLabel() != null ? m.stepLabel() : t.getLabelString()));
        long queuedSince = oldestQueued(label);
        CompletableFuture<Node> f = new CompletableFuture<>();
        Computer.threadPoolForRemoting.submit(() -> {
            try (use) {
                f.complete(provision(cloud, m, engine, agent, log, queuedSince));
            } catch (Throwable e) {
                f.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            } finally {
                IN_FLIGHT.remove(key);
                // Jenkins adds the node at its provisioner's next pass, which may be a while away (the first one comes
                // 100 s after start): ask the provisioner that holds this planned node for a pass now.
                (label == null ? jenkins.model.Jenkins.get().unlabeledNodeProvisioner : label.nodeProvisioner)
                        .suggestReviewNow();
            }
        });
        return new PlannedNode(agent, f, t.getNumExecutors());
    }

    /** When the longest-waiting build for this label entered the queue (now, when none waits): a start's origin. */
    static long oldestQueued(hudson.model.Label label) {
        long oldest = System.currentTimeMillis();
        for (hudson.model.Queue.Item item : jenkins.model.Jenkins.get().getQueue().getItems()) {
            if (java.util.Objects.equals(item.getAssignedLabel(), label)) {
                oldest = Math.min(oldest, item.getInQueueSince());
            }
        }
        return oldest;
    }

    /**
     * Provisions and wraps the container as a node. A failure of an administrator's template that another host cannot
     * fix suspends it (a step's one-off template fails only its own build).
     */
    static SystemContainerAgent provision(SystemContainerCloud cloud, SystemContainerCloud.TemplateMatch m,
            SystemContainerEngine engine, String agent, ProvisionLog log, long queuedSince)
            throws AbortException, InterruptedException {
        AgentTemplate t = m.template();
        try {
            ProvisionRequest req = t.toRequest(new AgentIdentity(SystemContainerCloud.scope(cloud.getCloudId()),
                    cloud.name, t.getName(), agent));
            AgentContainer c = engine.provision(req, log::event);
            try {
                SystemContainerAgent a = new SystemContainerAgent(agent, t, cloud, m.stepLabel(), c, log.lines());
                a.startedFrom(queuedSince, c);
                return a;
            } catch (Exception e) {
                engine.terminate(c, false, log::event);
                throw new AbortException("could not add agent " + agent + ": " + e);
            }
        } catch (IllegalArgumentException e) {
            throw failed(cloud, m, FailureKind.BAD_TEMPLATE, e.getMessage(), log);
        } catch (ProvisioningException e) {
            throw failed(cloud, m, e.kind(), e.getMessage(), log);
        }
    }

    private static AbortException failed(SystemContainerCloud cloud, SystemContainerCloud.TemplateMatch m, FailureKind kind,
            String message, ProvisionLog log) {
        AgentTemplate t = m.template();
        boolean fatal = !kind.tryElsewhere() && !kind.retryOnFreshCache();
        if (m.step() != null) {
            if (fatal) {
                PipelineTemplates.fail(m.stepLabel(), message); // QueueGuard ends the step's node block with this
            }
            log.line("provisioning failed" + (fatal ? "" : ", will try again or elsewhere") + ": " + message);
        } else if (cloud.recordFailure(t.getName(), kind, message)) {
            log.line("template " + t.getName() + " of cloud " + cloud.name + " suspended for "
                    + TemplateSuspensions.SUSPENSION.toMinutes() + " minutes (or until the cloud is saved): " + message);
        } else {
            log.line("provisioning failed, will try again or elsewhere: " + message);
        }
        ProvisioningFailures.record(cloud.getCloudId(), t.getName(), kind, message);
        return new AbortException(message.startsWith("[") ? message : "[" + kind + "] " + message);
    }
}
