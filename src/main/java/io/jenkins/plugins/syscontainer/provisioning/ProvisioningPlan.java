package io.jenkins.plugins.syscontainer.provisioning;

/**
 * How many agents to start for a label now: the excess workload in agents, bounded by the cloud's cap, the template's
 * instance cap and the free slots of healthy hosts. Every count comes from live state (nodes Jenkins has, agents in
 * flight, the engine's host reservations), never from a counter kept on the side.
 */
public final class ProvisioningPlan {
    private ProvisioningPlan() {
    }

    /**
     * @param excessWorkload executors Jenkins wants (at least 1)
     * @param executorsPerAgent executors each agent brings
     * @param cloudLive agents of this cloud alive or in flight; {@code cloudCap} 0 means no cap
     * @param templateLive agents of this template alive or in flight; {@code templateCap} 0 means no cap
     * @param freeHostSlots free slots over the hosts that can take an agent now
     */
    public static int agentsToStart(int excessWorkload, int executorsPerAgent, int cloudLive, int cloudCap,
            int templateLive, int templateCap, int freeHostSlots) {
        int wanted = (Math.max(1, excessWorkload) + executorsPerAgent - 1) / Math.max(1, executorsPerAgent);
        int n = Math.min(wanted, Math.max(0, freeHostSlots));
        if (cloudCap > 0) {
            n = Math.min(n, Math.max(0, cloudCap - cloudLive));
        }
        if (templateCap > 0) {
            n = Math.min(n, Math.max(0, templateCap - templateLive));
        }
        return Math.max(0, n);
    }
}
