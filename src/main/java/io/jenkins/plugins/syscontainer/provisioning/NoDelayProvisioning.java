package io.jenkins.plugins.syscontainer.provisioning;

import hudson.Extension;
import hudson.model.Label;
import hudson.model.LoadStatistics;
import hudson.model.Node;
import hudson.model.Queue;
import hudson.model.queue.CauseOfBlockage;
import hudson.model.queue.QueueListener;
import hudson.slaves.Cloud;
import hudson.slaves.CloudProvisioningListener;
import hudson.slaves.NodeProvisioner.PlannedNode;
import hudson.slaves.NodeProvisioner;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jenkins.model.Jenkins;
import jenkins.model.NodeListener;
import jenkins.util.SystemProperties;
import jenkins.util.Timer;

/**
 * Provisions system-container agents as soon as builds queue, instead of waiting for Jenkins' load statistics to
 * smooth the demand (the default strategy takes tens of seconds to react). As Jenkins' own strategy does, it asks the
 * {@link CloudProvisioningListener}s first and tells them what was started. Turn it off with the system property
 * {@code io.jenkins.plugins.syscontainer.provisioning.NoDelayProvisioning.disabled=true}; the default strategy then
 * applies.
 */
@Extension(ordinal = 100)
public class NoDelayProvisioning extends NodeProvisioner.Strategy {
    static final long REVIEW_DELAY_MS = 200;

    static boolean disabled() {
        return SystemProperties.getBoolean(NoDelayProvisioning.class.getName() + ".disabled");
    }

    /** Executors still missing for the queue: demand minus what is available, connecting or already planned. */
    static int shortfall(int available, int connecting, int planned, int additionalPlanned, int queueLength) {
        return Math.max(0, queueLength - (available + connecting + planned + additionalPlanned));
    }

    /**
     * Wakes the provisioner for a label the moment a build that one of our clouds can serve becomes buildable,
     * instead of at its next periodic pass (up to 10 s later). Runs under the queue lock: it only matches labels.
     */
    @Extension
    public static final class ReviewNow extends QueueListener {
        @Override
        public void onEnterBuildable(Queue.BuildableItem item) {
            if (disabled()) {
                return;
            }
            Label label = item.getAssignedLabel();
            for (ProvisioningCloud cloud : CloudEngines.clouds()) {
                if (cloud.serves(label)) {
                    NodeProvisioner p = label == null ? Jenkins.get().unlabeledNodeProvisioner : label.nodeProvisioner;
                    // Not from here: this runs while the queue is still moving the item, and a review now would count
                    // a queue without it (the queue's snapshot is updated when that pass ends). Shortly after, and
                    // once more a little later in case that pass took longer, the item is there to be counted.
                    for (long delay : new long[] {REVIEW_DELAY_MS, 10 * REVIEW_DELAY_MS}) {
                        Timer.get().schedule(p::suggestReviewNow, delay, TimeUnit.MILLISECONDS);
                    }
                    return;
                }
            }
        }
    }

    /**
     * Wakes the provisioners of queued builds our clouds serve when one of our agents goes: its slot (template cap,
     * cloud cap, host capacity) is free again, and a build held back by a cap would otherwise wait for the periodic
     * pass (10 s; the first comes 100 s after Jenkins starts).
     */
    @Extension
    public static final class ReviewWhenFreed extends NodeListener {
        @Override
        protected void onDeleted(Node node) {
            if (!(node instanceof SystemContainerAgent)) {
                return;
            }
            StandbyPool.get().topUpSoon(); // a standby agent that went is replaced
            if (disabled()) {
                return;
            }
            Timer.get().schedule(NoDelayProvisioning::reviewQueued, REVIEW_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Asks for a pass of every provisioner with a buildable item one of our clouds serves; reads the queue's snapshot. */
    static void reviewQueued() {
        Set<Label> seen = new HashSet<>();
        for (Queue.BuildableItem item : Jenkins.get().getQueue().getBuildableItems()) {
            Label label = item.getAssignedLabel();
            if (seen.add(label) && CloudEngines.clouds().stream().anyMatch(c -> c.serves(label))) {
                (label == null ? Jenkins.get().unlabeledNodeProvisioner : label.nodeProvisioner).suggestReviewNow();
            }
        }
    }

    @Override
    public NodeProvisioner.StrategyDecision apply(NodeProvisioner.StrategyState state) {
        if (disabled()) {
            return NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES;
        }
        LoadStatistics.LoadStatisticsSnapshot s = state.getSnapshot();
        int missing = shortfall(s.getAvailableExecutors(), s.getConnectingExecutors(), state.getPlannedCapacitySnapshot(),
                state.getAdditionalPlannedCapacity(), s.getQueueLength());
        if (missing == 0) {
            return NodeProvisioner.StrategyDecision.PROVISIONING_COMPLETED;
        }
        for (ProvisioningCloud ours : CloudEngines.clouds()) {
            if (missing == 0) {
                break;
            }
            Cloud cloud = (Cloud) ours;
            Cloud.CloudState cs = new Cloud.CloudState(state.getLabel(), state.getAdditionalPlannedCapacity());
            if (!cloud.canProvision(cs) || blockedByListener(cloud, cs, missing)) {
                continue;
            }
            Collection<PlannedNode> planned = cloud.provision(cs, missing);
            for (CloudProvisioningListener l : CloudProvisioningListener.all()) {
                l.onStarted(cloud, state.getLabel(), planned);
            }
            state.recordPendingLaunches(planned);
            for (PlannedNode p : planned) {
                missing = Math.max(0, missing - p.numExecutors);
            }
        }
        return missing == 0 ? NodeProvisioner.StrategyDecision.PROVISIONING_COMPLETED
                : NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES;
    }

    private static boolean blockedByListener(Cloud cloud, Cloud.CloudState cs, int missing) {
        for (CloudProvisioningListener l : CloudProvisioningListener.all()) {
            CauseOfBlockage cause = l.canProvision(cloud, cs, missing);
            if (cause != null) {
                return true;
            }
        }
        return false;
    }
}
