package io.jenkins.plugins.syscontainer;

import hudson.slaves.AbstractCloudComputer;

/** The computer of a {@link SystemContainerAgent}; remembers whether the agent ended abnormally. */
public class SystemContainerComputer extends AbstractCloudComputer<SystemContainerAgent> {
    private volatile boolean abnormal;
    private volatile boolean used;

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
}
