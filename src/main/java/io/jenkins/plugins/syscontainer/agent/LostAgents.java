package io.jenkins.plugins.syscontainer.agent;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Executor;
import hudson.model.Queue;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.slaves.ComputerListener;
import hudson.slaves.OfflineCause;
import java.nio.channels.ClosedChannelException;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * An agent whose container ended under a build (killed, out of memory, removed by someone): the build fails (result
 * FAILURE, not ABORTED: nobody pressed stop) with the reason in its log, and the agent goes at once, its cache volume
 * quarantined. A Pipeline step running there fails with an error that Jenkins' {@code retry(conditions: [agent()])}
 * treats as an agent error, so a retry runs the block again on a fresh agent. Found when the agent's channel closes
 * (its container is then inspected, off any lock) and by the reaper (containers that exited or vanished).
 */
public final class LostAgents {
    private static final Logger LOG = Logger.getLogger(LostAgents.class.getName());

    private LostAgents() {
    }

    /** The agent's container is gone for {@code reason}: fail what runs there and terminate the agent. */
    public static void lose(SystemContainerAgent agent, String reason) {
        if (!(agent.toComputer() instanceof SystemContainerComputer c) || c.getEndReason() != null) {
            return; // told already
        }
        c.setEndReason(reason);
        c.markAbnormal();
        LOG.info(() -> "agent " + agent.getNodeName() + " lost: " + reason);
        for (Executor e : c.getAllExecutors()) {
            Queue.Executable running = e.getCurrentExecutable();
            if (running instanceof Run<?, ?>) {
                e.interrupt(Result.FAILURE, new Lost(agent.getNodeName(), reason)); // a freestyle build: FAILURE, reason
            }
        }
        failStepsOn(agent.getNodeName(), reason);
        agent.terminateLater("its container ended: " + reason);
    }

    /** Fails the innermost Pipeline steps (those without a body) that run on this agent now, with the reason. */
    static void failStepsOn(String nodeName, String reason) {
        StepExecution.applyAll(StepExecution.class, e -> {
            StepContext ctx = e.getContext();
            try {
                Computer on = ctx.hasBody() ? null : ctx.get(Computer.class);
                if (on != null && nodeName.equals(on.getName())) {
                    TaskListener log = ctx.get(TaskListener.class);
                    if (log != null) {
                        log.getLogger().println("[system-container] " + reason);
                    }
                    ctx.onFailure(new AgentLostException(nodeName, reason));
                }
            } catch (Exception ex) {
                LOG.log(Level.FINE, "could not tell a step on " + nodeName + " that its agent is lost", ex);
            }
            return null;
        });
    }

    /**
     * The error a step fails with when its agent's container ended: its message is the reason; its cause is a closed
     * channel, which is what Jenkins' agent error condition looks for, so {@code retry(conditions: [agent()])}
     * retries it on a fresh agent.
     */
    public static final class AgentLostException extends AbortException {
        private static final long serialVersionUID = 1L;

        AgentLostException(String nodeName, String reason) {
            super("agent " + nodeName + " was lost: " + reason);
            initCause(new ClosedChannelException());
        }
    }

    /** Why a freestyle build was stopped: its agent's container ended. */
    static final class Lost extends CauseOfInterruption {
        private static final long serialVersionUID = 1L;
        private final String node;
        private final String reason;

        Lost(String node, String reason) {
            this.node = node;
            this.reason = reason;
        }

        @Override
        public String getShortDescription() {
            return "agent " + node + " was lost: " + reason;
        }
    }

    /**
     * When the watch looks (seconds after the channel closed): a killed container may still read as running for a
     * moment, and a host may not answer while its engine restarts. Within 10 s: Pipeline gives up on a lost agent's
     * step after 15 s, as aborted.
     */
    static final long[] LOOKS = {0, 2, 5, 10, 30, 60, 120};

    /**
     * When a system container agent's channel closes while it is not being terminated, asks (on a pool thread) whether
     * its container ended; if it did, the agent is lost. While its host does not answer (its engine restarting, say)
     * it looks again a few times. A channel that dropped while the container runs is left to the retention strategy,
     * which reconnects.
     */
    @Extension
    public static final class Watch extends ComputerListener {
        @Override
        public void onOffline(Computer computer, OfflineCause cause) {
            if (computer instanceof SystemContainerComputer c && c.getNode() != null) {
                look(c, c.getNode(), 0);
            }
        }

        /**
         * A launch that failed: the container may have ended before the agent came online (killed while its JVM
         * connected: Jenkins then never says the agent went offline, and the retention strategy would try to
         * reconnect to a dead container until the agent counts as never connected, 15 minutes). One look; a launch
         * that fails again looks again.
         */
        @Override
        public void onLaunchFailure(Computer computer, TaskListener listener) {
            if (computer instanceof SystemContainerComputer c && c.getNode() != null) {
                look(c, c.getNode(), LOOKS.length - 1, 0);
            }
        }

        private static void look(SystemContainerComputer c, SystemContainerAgent agent, int attempt) {
            if (attempt < LOOKS.length) {
                look(c, agent, attempt, LOOKS[attempt] - (attempt == 0 ? 0 : LOOKS[attempt - 1]));
            }
        }

        private static void look(SystemContainerComputer c, SystemContainerAgent agent, int attempt, long delaySeconds) {
            jenkins.util.Timer.get().schedule(() -> Computer.threadPoolForRemoting.submit(() -> {
                if (c.isTerminating() || c.getEndReason() != null || c.isOnline() || c.getNode() != agent) {
                    return;
                }
                String reason;
                try {
                    reason = agent.endReason();
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "could not ask why " + agent.getNodeName() + " went offline", e);
                    reason = null;
                }
                if (reason != null) {
                    lose(agent, reason);
                } else {
                    look(c, agent, attempt + 1);
                }
            }), delaySeconds, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
