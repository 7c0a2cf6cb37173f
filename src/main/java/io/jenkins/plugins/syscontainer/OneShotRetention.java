package io.jenkins.plugins.syscontainer;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Executor;
import hudson.model.ExecutorListener;
import hudson.model.OneOffExecutor;
import hudson.model.Queue;
import hudson.slaves.RetentionStrategy;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.durabletask.executors.ContinuableExecutable;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * One build, then the agent goes: it stops accepting work when its first task is accepted, and is terminated (its
 * container removed, its cache volume released warm) when that task completes. That it took its build is saved with
 * the node; after a controller restart it waits (up to {@link #RESUME_GRACE_MS}) for that same build to come back,
 * as a pipeline's {@code node} block does, and {@link QueueGuard} keeps every other build off it.
 */
public class OneShotRetention extends RetentionStrategy<SystemContainerComputer> implements ExecutorListener {
    private static final Logger LOG = Logger.getLogger(OneShotRetention.class.getName());

    @DataBoundConstructor
    public OneShotRetention() {
    }

    /** How long an agent may stay offline without ever running a build before it is given up. */
    static final long NEVER_CONNECTED_MS = Long.getLong(OneShotRetention.class.getName() + ".neverConnectedMinutes", 15) * 60_000L;

    /** How long, after a restart, a used one-shot agent waits for its build to come back before it is terminated. */
    static final long RESUME_GRACE_MS = Long.getLong(OneShotRetention.class.getName() + ".resumeGraceMinutes", 10) * 60_000L;

    /** After a restart, how long before a used agent that no queued build asks for by name stops waiting. */
    static final long RESUME_QUEUE_CHECK_MS = 60_000L;

    @Override
    public long check(@NonNull SystemContainerComputer c) {
        SystemContainerAgent agent = c.getNode();
        if (agent == null || c.isTerminating()) {
            return 1;
        }
        if (c.awaitingResumedBuild(RESUME_GRACE_MS) && c.age() > RESUME_QUEUE_CHECK_MS
                && !QueueGuard.queuedFor(agent.getNodeName())) {
            // No build is coming back: stop accepting tasks now, so the idle executor does not hold up provisioning.
            c.endResumeWait();
        }
        if (c.isUsed() && c.isIdle() && !c.awaitingResumedBuild(RESUME_GRACE_MS)) {
            terminate(c);
        } else if (!c.isUsed() && c.isOffline() && !c.isConnecting() && c.age() > NEVER_CONNECTED_MS) {
            c.markAbnormal(); // its launch failed: do not keep a container, a host slot and a cache lease for it
            terminate(c);
        } else if (c.isOffline() && !c.isConnecting() && c.isLaunchSupported() && !c.isTemporarilyOffline()) {
            // A channel that dropped (or a controller restart): reconnect, so a build that will resume here can.
            // connect() only schedules the launch; it does not block this check, which runs under the queue lock.
            c.connect(false);
        }
        return 1;
    }

    @Override
    public boolean isAcceptingTasks(SystemContainerComputer c) {
        return !c.isUsed() || c.awaitingResumedBuild(RESUME_GRACE_MS); // QueueGuard lets only that build back on
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
                c.endResumeWait(); // after a restart: the build it ran came back (QueueGuard allows no other)
            }
            c.markUsed(task.getUrl());
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
            terminate(c);
        }
    }

    /** Terminates on a pool thread, once: the callers hold the queue lock or are an executor finishing its task. */
    private static void terminate(SystemContainerComputer c) {
        SystemContainerAgent agent = c.getNode();
        if (agent == null || !c.startTerminating()) {
            return;
        }
        c.setAcceptingTasks(false);
        hudson.model.Computer.threadPoolForRemoting.submit(() -> {
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
