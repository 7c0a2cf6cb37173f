package io.jenkins.plugins.syscontainer;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.slaves.Cloud;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.EnvironmentExpander;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Runs the step: checks the arguments at once (a bad template fails the step immediately with the field named),
 * provisions the agent on a thread of its own with progress and timings in the build log, runs the body on it, and
 * terminates it when the body ends (TailCall), on success or failure. Only names are persisted, so a controller
 * restart resumes with the agent found again by name.
 */
public class SystemContainerAgentStepExecution extends StepExecution {
    private static final long serialVersionUID = 1L;
    private static final java.util.concurrent.ExecutorService STEP_THREADS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "systemContainerAgent step");
        t.setDaemon(true);
        return t;
    });

    private final transient SystemContainerAgentStep step;
    private String cloudName;
    private String agentName;

    SystemContainerAgentStepExecution(SystemContainerAgentStep step, StepContext context) {
        super(context);
        this.step = step;
    }

    /** The cloud the step names, or the only system container cloud; throws with a message the build log shows. */
    static SystemContainerCloud findCloud(String name) throws AbortException {
        SystemContainerCloud found = null;
        int count = 0;
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s) {
                count++;
                if (name == null || s.name.equals(name)) {
                    found = found == null ? s : found;
                }
            }
        }
        if (found == null) {
            throw new AbortException(name == null ? "systemContainerAgent: no System Container Agents cloud is configured"
                    : "systemContainerAgent: argument 'cloud': no System Container Agents cloud named '" + name + "'");
        }
        if (name == null && count > 1) {
            throw new AbortException("systemContainerAgent: " + count + " System Container Agents clouds are configured;"
                    + " name one with the 'cloud' argument");
        }
        return found;
    }

    @Override
    public boolean start() throws Exception {
        TaskListener listener = getContext().get(TaskListener.class);
        PrintStream log = listener.getLogger();
        SystemContainerCloud cloud = findCloud(step.getCloud());
        AgentTemplate base = step.getLabel() == null ? null : cloud.template(step.getLabel());
        String refused = SystemContainerAgentStep.templateProblem(cloud.name, step.getLabel(), base);
        if (refused != null) {
            throw new AbortException("systemContainerAgent: " + refused);
        }
        AgentTemplate t;
        try {
            t = step.toTemplate(base);
            if (step.getCache() != null) {
                EnvVars env = getContext().get(EnvVars.class);
                t.setCacheKey(SystemContainerAgentStep.jobCacheKey(env == null ? null : env.get("JOB_NAME"), step.getCache()));
            }
            t.toRequest(new AgentIdentity("check", cloud.name, t.getName(), "check")); // validates every field now
        } catch (IllegalArgumentException e) {
            throw new AbortException("systemContainerAgent: " + e.getMessage());
        }
        cloudName = cloud.name;
        agentName = AgentFactory.newAgentName(t);
        log.println("[system-container] provisioning " + agentName + " (image " + t.getImage() + ", cache "
                + (t.getEffectiveCacheKey() == null ? "none" : t.getEffectiveCacheKey()) + ") on cloud " + cloudName);
        AgentFactory.track(cloudName, t.getName(), agentName); // counted against caps, kept live for the reaper
        CompletableFuture.supplyAsync(() -> provisionOnCurrentEngine(cloud, t, ProvisionLog.toStream(log)), STEP_THREADS)
                .thenAccept(agent -> runBody(agent, t, listener))
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    getContext().onFailure(new AbortException("systemContainerAgent: " + cause.getMessage()));
                    return null;
                })
                .whenComplete((x, e) -> AgentFactory.done(cloudName, t.getName(), agentName));
        return false;
    }

    /** On the cloud's current engine; if a configuration change retires it in between, once more on the new one. */
    private SystemContainerAgent provisionOnCurrentEngine(SystemContainerCloud cloud, AgentTemplate t, ProvisionLog log) {
        for (int attempt = 1; ; attempt++) {
            io.jenkins.plugins.syscontainer.engine.SystemContainerEngine engine = cloud.engine();
            try (AgentFactory.Use use = AgentFactory.use(engine)) {
                return AgentFactory.provision(cloudName, t, engine, agentName, log, false);
            } catch (io.jenkins.plugins.syscontainer.engine.ProvisioningException e) {
                if (attempt == 2) {
                    throw new CompletionException(e);
                }
            }
        }
    }

    private void runBody(SystemContainerAgent agent, AgentTemplate t, TaskListener listener) {
        boolean added = false;
        try {
            Jenkins.get().addNode(agent);
            added = true;
            Computer c = agent.toComputer();
            long deadline = System.currentTimeMillis() + t.getLaunchTimeoutSeconds() * 1000L;
            while (c == null || !c.isOnline()) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AbortException("agent " + agentName + " did not come online within "
                            + t.getLaunchTimeoutSeconds() + " s (see its log)");
                }
                Thread.sleep(200);
                c = agent.toComputer();
            }
            FilePath ws = agent.getWorkspaceRoot();
            if (ws == null) {
                throw new AbortException("agent " + agentName + " has no workspace root");
            }
            agent.markStepBodyStarted(); // saved with the node: how onResume tells a started body from one never begun
            listener.getLogger().println("[system-container] running the body on " + agentName);
            getContext().newBodyInvoker()
                    // As the node step does: the computer and the workspace; Jenkins derives the node and a launcher
                    // from them (a live Launcher or Node must not go into the persisted program).
                    .withContexts(c, ws.child("workspace"),
                            EnvironmentExpander.merge(getContext().get(EnvironmentExpander.class), new InnerDocker()))
                    .withCallback(new Cleanup(agentName))
                    .start();
        } catch (Exception e) {
            if (added) {
                terminate(agentName);
            } else {
                terminateUnregistered(agent);
            }
            getContext().onFailure(e);
        }
    }

    /** An agent Jenkins never took as a node: terminate its container through the engine directly. */
    private static void terminateUnregistered(SystemContainerAgent agent) {
        try {
            agent.terminate();
        } catch (Exception e) {
            // the reaper removes the container once the grace period is over
        }
    }

    static void terminate(String agentName) {
        if (agentName != null && Jenkins.get().getNode(agentName) instanceof SystemContainerAgent a) {
            try {
                a.terminate();
            } catch (IOException | InterruptedException e) {
                // the reaper removes what is left
            }
        }
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        terminate(agentName);
        getContext().onFailure(cause);
    }

    /**
     * After a restart: a running body resumes by itself. If the agent is gone, or Jenkins stopped between adding the
     * agent and starting the body (the agent says whether it started), the step fails now instead of waiting forever;
     * a container provisioned but never added as a node is removed by the reaper.
     */
    @Override
    public void onResume() {
        if (agentName == null) {
            return;
        }
        Node n = Jenkins.get().getNode(agentName);
        if (n == null) {
            getContext().onFailure(new AbortException("systemContainerAgent: agent " + agentName
                    + " is gone after the restart"));
        } else if (n instanceof SystemContainerAgent a && !a.isStepBodyStarted()) {
            terminate(agentName);
            getContext().onFailure(new AbortException("systemContainerAgent: Jenkins restarted before the body started on "
                    + agentName + "; the agent was terminated, run the build again"));
        }
    }

    /** Points Docker clients in the body at the agent's own inner Docker. */
    static final class InnerDocker extends EnvironmentExpander {
        private static final long serialVersionUID = 1L;

        @Override
        public void expand(EnvVars env) {
            env.override("DOCKER_HOST", "unix:///var/run/docker.sock");
        }
    }

    /** Terminates the agent when the body ends, whatever the outcome. */
    static final class Cleanup extends BodyExecutionCallback.TailCall {
        private static final long serialVersionUID = 1L;
        private final String agentName;

        Cleanup(String agentName) {
            this.agentName = agentName;
        }

        @Override
        protected void finished(StepContext context) {
            terminate(agentName);
        }
    }
}
