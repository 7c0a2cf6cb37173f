package io.jenkins.plugins.syscontainer;

import hudson.Extension;
import hudson.model.LoadStatistics;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner;
import hudson.slaves.NodeProvisioner.PlannedNode;
import java.util.Collection;

/**
 * Provisions system-container agents as soon as builds queue, instead of waiting for Jenkins' load statistics to
 * smooth the demand (the default strategy takes tens of seconds to react). Turn it off with the system property
 * {@code io.jenkins.plugins.syscontainer.NoDelayProvisioning.disabled=true}; the default strategy then applies.
 */
@Extension(ordinal = 100)
public class NoDelayProvisioning extends NodeProvisioner.Strategy {
    static final boolean DISABLED = Boolean.getBoolean(NoDelayProvisioning.class.getName() + ".disabled");
    static final long REVIEW_DELAY_MS = 200;

    /** Executors still missing for the queue: demand minus what is available, connecting or already planned. */
    static int shortfall(int available, int connecting, int planned, int additionalPlanned, int queueLength) {
        return Math.max(0, queueLength - (available + connecting + planned + additionalPlanned));
    }

    /**
     * Wakes the provisioner for a label the moment a build that one of our clouds can serve becomes buildable,
     * instead of at its next periodic pass (up to 10 s later).
     */
    @Extension
    public static final class ReviewNow extends hudson.model.queue.QueueListener {
        @Override
        public void onEnterBuildable(hudson.model.Queue.BuildableItem item) {
            if (DISABLED) {
                return;
            }
            hudson.model.Label label = item.getAssignedLabel();
            for (Cloud c : jenkins.model.Jenkins.get().clouds) {
                if (c instanceof SystemContainerCloud cloud && cloud.canProvision(new Cloud.CloudState(label, 0))) {
                    NodeProvisioner p = label == null ? jenkins.model.Jenkins.get().unlabeledNodeProvisioner
                            : label.nodeProvisioner;
                    // Not from here: this runs while the queue is still moving the item, and a review now would count
                    // a queue without it (the queue's snapshot is updated when that pass ends). Shortly after, and
                    // once more a little later in case that pass took longer, the item is there to be counted.
                    for (long delay : new long[] {REVIEW_DELAY_MS, 10 * REVIEW_DELAY_MS}) {
                        jenkins.util.Timer.get().schedule(p::suggestReviewNow, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
                    }
                    return;
                }
            }
        }
    }

    @Override
    public NodeProvisioner.StrategyDecision apply(NodeProvisioner.StrategyState state) {
        if (DISABLED) {
            return NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES;
        }
        LoadStatistics.LoadStatisticsSnapshot s = state.getSnapshot();
        int missing = shortfall(s.getAvailableExecutors(), s.getConnectingExecutors(), state.getPlannedCapacitySnapshot(),
                state.getAdditionalPlannedCapacity(), s.getQueueLength());
        if (missing == 0) {
            return NodeProvisioner.StrategyDecision.PROVISIONING_COMPLETED;
        }
        for (Cloud c : jenkins.model.Jenkins.get().clouds) {
            if (missing == 0) {
                break;
            }
            if (c instanceof SystemContainerCloud cloud) {
                Cloud.CloudState cs = new Cloud.CloudState(state.getLabel(), state.getAdditionalPlannedCapacity());
                if (cloud.canProvision(cs)) {
                    Collection<PlannedNode> planned = cloud.provision(cs, missing);
                    state.recordPendingLaunches(planned);
                    for (PlannedNode p : planned) {
                        missing = Math.max(0, missing - p.numExecutors);
                    }
                }
            }
        }
        return missing == 0 ? NodeProvisioner.StrategyDecision.PROVISIONING_COMPLETED
                : NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES;
    }
}
