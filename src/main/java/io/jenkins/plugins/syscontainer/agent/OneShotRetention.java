package io.jenkins.plugins.syscontainer.agent;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Descriptor;
import hudson.model.Executor;
import hudson.model.ExecutorListener;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.OneOffExecutor;
import hudson.model.Queue;
import hudson.model.Run;
import hudson.slaves.RetentionStrategy;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.util.SystemProperties;
import org.jenkinsci.plugins.durabletask.executors.ContinuableExecutable;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * One build, then the agent goes: it stops accepting work when its first task is accepted, and is terminated (its
 * container removed, its cache volume released warm) when that task completes. An agent that never takes a build
 * goes too: once no queued build can use it for {@link #neverUsedMs()} (its build was cancelled, or the pipeline
 * block it was made for ended while it started). That it took its build is saved with the node; after a controller
 * restart it waits for that same build to come back, as a pipeline's {@code node} block does, for as long as that
 * run is still building (at most {@link #RESUME_GRACE_MS}), and the queue keeps every other build off it.
 */
public class OneShotRetention extends RetentionStrategy<SystemContainerComputer> implements ExecutorListener {
    private static final Logger LOG = Logger.getLogger(OneShotRetention.class.getName());
    private static final String PREFIX = OneShotRetention.class.getName();

    @DataBoundConstructor
    public OneShotRetention() {
    }

    /** How long an agent may stay offline without ever running a build before it is given up. */
    static final long NEVER_CONNECTED_MS = SystemProperties.getLong(PREFIX + ".neverConnectedMinutes", 15L) * 60_000L;

    /** How long, after a restart, a used one-shot agent waits at most for its build to come back. */
    static final long RESUME_GRACE_MS = SystemProperties.getLong(PREFIX + ".resumeGraceMinutes", 10L) * 60_000L;

    /** After a restart, an agent whose task was no pipeline run stops waiting this soon if nothing asks for it by name. */
    static long resumeQueueCheckMs() {
        return SystemProperties.getLong(PREFIX + ".resumeQueueCheckSeconds", 60L) * 1000L;
    }

    /** How long an online agent that never ran a build stays while no queued build can use it (read at each check). */
    static long neverUsedMs() {
        return SystemProperties.getLong(PREFIX + ".neverUsedSeconds", 120L) * 1000L;
    }

    @Override
    public long check(@NonNull SystemContainerComputer c) {
        SystemContainerAgent agent = c.getNode();
        if (agent == null || c.isTerminating()) {
            return 1;
        }
        if (c.awaitingResumedBuild(RESUME_GRACE_MS) && !resumedBuildMayComeBack(c, agent)) {
            // No build is coming back: stop accepting tasks now, so the idle executor does not hold up provisioning.
            c.endResumeWait();
        }
        if (c.isUsed() && c.isIdle() && !c.awaitingResumedBuild(RESUME_GRACE_MS)) {
            terminate(c, "its build is over");
        } else if (!c.isUsed() && c.isOffline() && !c.isConnecting() && c.age() > NEVER_CONNECTED_MS) {
            c.markAbnormal(); // its launch failed: do not keep a container, a host slot and a cache lease for it
            terminate(c, "it never connected");
        } else if (!c.isUsed() && agent.getStepLabel() != null
                && !AgentEngines.get().serves(agent.getCloudId(), agent.getStepLabel())) {
            terminate(c, "the pipeline block it was started for has ended");
        } else if (!c.isUsed() && !agent.isStandby() && c.isOnline() && c.isIdle()
                && System.currentTimeMillis() - Math.max(c.getIdleStartMilliseconds(), c.getConnectTime()) > neverUsedMs()
                && !queuedFor(agent)) {
            terminate(c, "no queued build can use it (its build was cancelled, or its pipeline block ended)");
        } else if (c.isOffline() && !c.isConnecting() && c.isLaunchSupported() && !c.isTemporarilyOffline()) {
            // A channel that dropped (or a controller restart): reconnect, so a build that will resume here can.
            // connect() only schedules the launch; it does not block this check, which runs under the queue lock.
            c.connect(false);
        }
        return 1;
    }

    /**
     * After a restart: whether the build the agent ran may still come back. A pipeline run comes back for as long as
     * it is building (its resumption may take minutes on a busy controller); anything else only if it is already in
     * the queue asking for this node by name.
     */
    private static boolean resumedBuildMayComeBack(SystemContainerComputer c, SystemContainerAgent agent) {
        if (agent.getUsedByRun() != null) {
            Boolean building = c.servedRunStillBuilding();
            return building == null || building;
        }
        return c.age() <= resumeQueueCheckMs() || queuedForName(agent.getNodeName());
    }

    /** Whether some queued item asks for this node by name (a resuming pipeline {@code node} block). */
    public static boolean queuedForName(String nodeName) {
        for (Queue.Item item : Jenkins.get().getQueue().getItems()) {
            Label label = item.getAssignedLabel();
            if (label != null && nodeName.equals(label.getName())) {
                return true;
            }
        }
        return false;
    }

    /** Whether some queued item could run on this agent (its label matches, or it has none and the agent is NORMAL). */
    static boolean queuedFor(Node agent) {
        for (Queue.Item item : Jenkins.get().getQueue().getItems()) {
            Label label = item.getAssignedLabel();
            if (label == null ? agent.getMode() == Node.Mode.NORMAL : label.contains(agent)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isAcceptingTasks(SystemContainerComputer c) {
        return !c.isUsed() || c.awaitingResumedBuild(RESUME_GRACE_MS); // the queue lets only that build back on
    }

    @Override
    public void start(@NonNull SystemContainerComputer c) {
        c.connect(false);
    }

    @Override
    public void taskAccepted(Executor executor, Queue.Task task) {
        // A flyweight task (a Pipeline run itself) may sit on any node's one-off executor; it is not this agent's build.
        if (!(executor instanceof OneOffExecutor) && executor.getOwner() instanceof SystemContainerComputer c) {
            if (c.isUsed()) {
                c.endResumeWait(); // after a restart: the build it ran came back (the queue allows no other)
            }
            String runId = task.getOwnerExecutable() instanceof Run<?, ?> r ? r.getExternalizableId() : null;
            c.markUsed(task.getUrl(), runId);
            c.setAcceptingTasks(false);
        }
    }

    @Override
    public void taskCompleted(Executor executor, Queue.Task task, long durationMS) {
        done(executor);
    }

    @Override
    public void taskCompletedWithProblems(Executor executor, Queue.Task task, long durationMS, Throwable problems) {
        done(executor);
    }

    /**
     * The end of a task on one of the agent's executors. Not the end of the agent when the task was a flyweight one,
     * or when its executable will continue: a Pipeline's {@code node} block ends that way when the controller shuts
     * down, and resumes on this same agent after the restart.
     */
    static void done(Executor executor) {
        if (executor instanceof OneOffExecutor || !(executor.getOwner() instanceof SystemContainerComputer c)) {
            return;
        }
        Queue.Executable exec = executor.getCurrentExecutable();
        if (exec instanceof ContinuableExecutable ce && ce.willContinue()) {
            LOG.fine(() -> "keeping " + c.getName() + ": " + exec + " will continue after a restart");
            return;
        }
        SystemContainerAgent agent = c.getNode();
        // With one executor the build that just ended was the only one; with more, check() waits until all are idle.
        if (agent != null && agent.getNumExecutors() == 1) {
            terminate(c, "its build is over");
        }
    }

    /** Terminates on a pool thread, once: the callers hold the queue lock or are an executor finishing its task. */
    private static void terminate(SystemContainerComputer c, String why) {
        SystemContainerAgent agent = c.getNode();
        if (agent == null || !c.startTerminating()) {
            return;
        }
        c.setAcceptingTasks(false);
        LOG.fine(() -> "terminating " + agent.getNodeName() + ": " + why);
        Computer.threadPoolForRemoting.submit(() -> {
            try {
                agent.terminate();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "terminating " + agent.getNodeName() + " failed; the reaper will remove it", e);
            }
        });
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<RetentionStrategy<?>> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.OneShotRetention_DisplayName();
        }
    }
}
