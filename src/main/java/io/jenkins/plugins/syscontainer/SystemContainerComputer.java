package io.jenkins.plugins.syscontainer;

import hudson.slaves.AbstractCloudComputer;

/** The computer of a {@link SystemContainerAgent}; remembers whether the agent ended abnormally. */
public class SystemContainerComputer extends AbstractCloudComputer<SystemContainerAgent> {
    private volatile boolean abnormal;
    private volatile boolean used;
    private final long createdAt = System.currentTimeMillis();

    public SystemContainerComputer(SystemContainerAgent agent) {
        super(agent);
    }

    /** The agent's launch or channel failed: its cache volume is quarantined when it is terminated. */
    void markAbnormal() {
        abnormal = true;
    }

    public boolean isAbnormal() {
        return abnormal;
    }

    void markUsed() {
        used = true;
    }

    boolean isUsed() {
        return used;
    }

    /** Milliseconds since this computer was created (the agent was added to Jenkins). */
    long age() {
        return System.currentTimeMillis() - createdAt;
    }
}
