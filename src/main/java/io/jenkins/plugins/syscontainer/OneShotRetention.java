package io.jenkins.plugins.syscontainer;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Executor;
import hudson.model.ExecutorListener;
import hudson.model.Queue;
import hudson.slaves.RetentionStrategy;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
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
        if (c.awaitingResumedBuild(RESUME_GRACE_MS) && c.age() > RESUME_QUEUE_CHECK_MS && c.getNode() != null
                && !QueueGuard.queuedFor(c.getNode().getNodeName())) {
            // No build is coming back: stop accepting tasks now, so the idle executor does not hold up provisioning.
            c.endResumeWait();
        }
        if (c.isUsed() && c.isIdle() && !c.awaitingResumedBuild(RESUME_GRACE_MS)) {
            terminate(c);
        } else if (!c.isUsed() && c.isOffline() && !c.isConnecting() && c.age() > NEVER_CONNECTED_MS) {
            c.markAbnormal(); // its launch failed: do not keep a container, a host slot and a cache lease for it
            terminate(c);
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
        if (executor.getOwner() instanceof SystemContainerComputer c) {
            if (c.isUsed()) {
                c.endResumeWait(); // after a restart: the build it ran came back (QueueGuard allows no other)
            }
            c.markUsed(task.getUrl());
            c.setAcceptingTasks(false);
        }
    }

    @Override
    public void taskCompleted(Executor executor, Queue.Task task, long durationMS) {
        // With one executor the build that just ended was the only one; with more, check() waits until all are idle.
        if (executor.getOwner() instanceof SystemContainerComputer c && c.getNode() != null
                && c.getNode().getNumExecutors() == 1) {
            terminate(c);
        }
    }

    @Override
    public void taskCompletedWithProblems(Executor executor, Queue.Task task, long durationMS, Throwable problems) {
        taskCompleted(executor, task, durationMS);
    }

    private static void terminate(SystemContainerComputer c) {
        SystemContainerAgent agent = c.getNode();
        if (agent == null) {
            return;
        }
        CompletableFuture.runAsync(() -> {
            try {
                agent.terminate();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "terminating " + agent.getNodeName() + " failed; the reaper will remove it", e);
            }
        }, hudson.model.Computer.threadPoolForRemoting);
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<RetentionStrategy<?>> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "One build, then terminate";
        }
    }
}
