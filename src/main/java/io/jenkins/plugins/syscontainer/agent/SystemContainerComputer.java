package io.jenkins.plugins.syscontainer.agent;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Computer;
import hudson.model.Run;
import hudson.security.Permission;
import hudson.slaves.AbstractCloudComputer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.security.access.AccessDeniedException;

/**
 * The computer of a {@link SystemContainerAgent}; remembers whether the agent ended abnormally. Its node cannot be
 * reconfigured: an agent is made from its cloud's template, and a configuration saved on the agent would be lost with
 * it (and cannot be bound back, the agent having no form constructor), so CONFIGURE is refused.
 */
public class SystemContainerComputer extends AbstractCloudComputer<SystemContainerAgent> {
    private volatile boolean abnormal;
    private volatile String endReason;
    private final long createdAt = System.currentTimeMillis();
    /** The agent had taken its build before this computer existed: Jenkins restarted since. */
    private final boolean usedAtStart;
    private volatile boolean resumedBuildBack;
    /** After a restart: whether the run the agent served is still building, as last looked up off the queue lock. */
    private volatile Boolean runStillBuilding;
    private final AtomicBoolean lookingUpRun = new AtomicBoolean();
    private final AtomicBoolean terminating = new AtomicBoolean();
    /** A standby agent's warm-up has ended, done or skipped (see {@link StandbyWarmUp}). */
    private volatile boolean warmedUp;

    public SystemContainerComputer(SystemContainerAgent agent) {
        super(agent);
        usedAtStart = agent.isUsed();
    }

    void markWarmedUp() {
        warmedUp = true;
    }

    /** Whether a standby agent's warm-up has ended (done or skipped): its build then loads no class of its first steps. */
    public boolean isWarmedUp() {
        return warmedUp;
    }

    /** True for the one caller that starts the termination; every later caller is told it is already under way. */
    public boolean startTerminating() {
        return terminating.compareAndSet(false, true);
    }

    public boolean isTerminating() {
        return terminating.get();
    }

    /** The agent's launch or channel failed: its cache volume is quarantined when it is terminated. */
    public void markAbnormal() {
        abnormal = true;
    }

    public boolean isAbnormal() {
        return abnormal;
    }

    /** Why the agent's container ended, once known (exit code, OOM-killed), for build logs; null otherwise. */
    public String getEndReason() {
        return endReason;
    }

    void setEndReason(String why) {
        endReason = why;
    }

    /** Records, on the saved node, that a build was taken: a one-shot agent takes no other, even after a restart. */
    void markUsed(String taskUrl, String runId) {
        SystemContainerAgent agent = getNode();
        if (agent != null) {
            agent.markUsed(taskUrl, runId);
        }
    }

    /**
     * Whether this is a used one-shot agent found again after a controller restart, whose build has not come back to
     * it yet (a pipeline's {@code node} block resumes through the queue) and may still, within the grace period.
     */
    boolean awaitingResumedBuild(long graceMs) {
        return usedAtStart && !resumedBuildBack && age() < graceMs;
    }

    /** Its build came back, or none will: it accepts no more tasks. */
    void endResumeWait() {
        resumedBuildBack = true;
    }

    /**
     * Whether the run this agent served is known to be over (finished, or gone), looked up on a pool thread: loading
     * a run may read its files, which must not happen under the queue lock the retention check holds. Null until
     * the first look-up is done.
     */
    Boolean servedRunStillBuilding() {
        SystemContainerAgent agent = getNode();
        String id = agent == null ? null : agent.getUsedByRun();
        if (id != null && lookingUpRun.compareAndSet(false, true)) {
            Computer.threadPoolForRemoting.submit(() -> {
                try {
                    Run<?, ?> run = Run.fromExternalizableId(id);
                    runStillBuilding = run != null && run.isBuilding();
                } catch (RuntimeException e) {
                    runStillBuilding = Boolean.FALSE;
                } finally {
                    lookingUpRun.set(false);
                }
            });
        }
        return runStillBuilding;
    }

    public boolean isUsed() {
        SystemContainerAgent agent = getNode();
        return agent != null && agent.isUsed();
    }

    /** Milliseconds since this computer was created (the agent was added to Jenkins, or Jenkins restarted). */
    public long age() {
        return System.currentTimeMillis() - createdAt;
    }

    @Override
    public boolean hasPermission(@NonNull Permission permission) {
        return permission != CONFIGURE && super.hasPermission(permission);
    }

    @Override
    public void checkPermission(@NonNull Permission permission) {
        if (permission == CONFIGURE) {
            throw new AccessDeniedException("system container agents are configured through their cloud's template");
        }
        super.checkPermission(permission);
    }
}
