package io.jenkins.plugins.syscontainer;

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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * Starts agents off Jenkins' provisioning thread: each planned node's future provisions the container through the
 * engine and completes with the agent node. The agents in flight are a set of names (removed when their future
 * completes, whatever the outcome), so caps computed from it cannot leak.
 */
final class AgentFactory {
    private static final Logger LOG = Logger.getLogger(AgentFactory.class.getName());
    private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "system-container-agents provisioning");
        t.setDaemon(true);
        return t;
    });
    /** cloud + "/" + template + "/" + agent of every agent being provisioned. */
    private static final Set<String> IN_FLIGHT = ConcurrentHashMap.newKeySet();
    /** Provisions under way per engine: a replaced engine is closed only once its count is back to 0. */
    private static final java.util.Map<SystemContainerEngine, java.util.concurrent.atomic.AtomicInteger> BUSY =
            new ConcurrentHashMap<>();

    private AgentFactory() {
    }

    static int inFlight(String cloud, String template) {
        String prefix = cloud + "/" + (template == null ? "" : template + "/");
        return (int) IN_FLIGHT.stream().filter(k -> k.startsWith(prefix)).count();
    }

    /** Names of the agents being provisioned now, for the reaper's set of live agents. */
    static List<String> inFlightAgents() {
        List<String> names = new ArrayList<>();
        IN_FLIGHT.forEach(k -> names.add(k.substring(k.lastIndexOf('/') + 1)));
        return names;
    }

    /** Marks an agent as being provisioned outside a planned node (the pipeline step), until {@link #done}. */
    static void track(String cloud, String template, String agent) {
        IN_FLIGHT.add(cloud + "/" + template + "/" + agent);
    }

    static void done(String cloud, String template, String agent) {
        IN_FLIGHT.remove(cloud + "/" + template + "/" + agent);
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
        java.util.concurrent.atomic.AtomicInteger n = BUSY.computeIfAbsent(engine,
                e -> new java.util.concurrent.atomic.AtomicInteger());
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
        java.util.concurrent.atomic.AtomicInteger n = BUSY.get(engine);
        return n == null || n.get() == 0;
    }

    static void forget(SystemContainerEngine engine) {
        BUSY.remove(engine);
    }

    static String newAgentName(AgentTemplate t) {
        return "sca-" + t.getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static PlannedNode plan(SystemContainerCloud cloud, AgentTemplate t, SystemContainerEngine engine) {
        String agent = newAgentName(t);
        String key = cloud.name + "/" + t.getName() + "/" + agent;
        CompletableFuture<Node> f;
        Use use;
        try {
            use = use(engine); // now, on the provisioner's thread: a configuration change waits for this provision
        } catch (ProvisioningException e) {
            return new PlannedNode(agent, CompletableFuture.failedFuture(e), t.getNumExecutors());
        }
        IN_FLIGHT.add(key);
        f = CompletableFuture.supplyAsync(() -> {
            try (use) {
                return provision(cloud.name, t, engine, agent, ProvisionLog.toLogger(LOG), true);
            } finally {
                IN_FLIGHT.remove(key);
            }
        }, EXECUTOR);
        return new PlannedNode(agent, f, t.getNumExecutors());
    }

    /**
     * Provisions and wraps the container as a node, on an engine the caller holds a {@link #use} of; failures are
     * classified, and with {@code suspendOnFatal} a non-retryable one suspends the template (not for the step, whose
     * ad-hoc template is used once and which fails by itself).
     */
    static SystemContainerAgent provision(String cloud, AgentTemplate t, SystemContainerEngine engine, String agent,
            ProvisionLog log, boolean suspendOnFatal) {
        String suspensionKey = cloud + "/" + t.getName();
        try {
            ProvisionRequest req = t.toRequest(new AgentIdentity(SystemContainerCloud.scope(cloud), cloud, t.getName(), agent));
            AgentContainer c = engine.provision(req, log::event);
            try {
                return new SystemContainerAgent(agent, t, cloud, c, log.lines());
            } catch (Exception e) {
                engine.terminate(c, false, log::event);
                throw new CompletionException(e);
            }
        } catch (IllegalArgumentException e) {
            if (suspendOnFatal) {
                suspendIfFatal(suspensionKey, FailureKind.BAD_TEMPLATE, e.getMessage(), log);
            }
            throw new CompletionException(new ProvisioningException(FailureKind.BAD_TEMPLATE, e.getMessage(), e));
        } catch (ProvisioningException e) {
            if (suspendOnFatal) {
                suspendIfFatal(suspensionKey, e.kind(), e.getMessage(), log);
            }
            throw new CompletionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    static void suspendIfFatal(String key, FailureKind kind, String message, ProvisionLog log) {
        if (SystemContainerCloud.SUSPENSIONS.onFailure(key, kind, message)) {
            log.line("template " + key + " suspended for " + TemplateSuspensions.SUSPENSION.toMinutes()
                    + " minutes: " + message);
        } else {
            log.line("provisioning failed, will try again or elsewhere: " + message);
        }
    }
}
