package io.jenkins.plugins.syscontainer;

import hudson.model.Label;
import hudson.model.Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * After a non-retryable failure (bad template, missing image) has suspended a template, the queued builds that only
 * this template could have served would wait forever: Jenkins never cancels an item whose label nothing can serve.
 * They are cancelled instead, with the reason in the controller's log (a pipeline's {@code node} step then fails with
 * "Queue task was cancelled"). Items some node or another cloud can still serve are left alone.
 */
final class UnservableQueueItems {
    private static final Logger LOG = Logger.getLogger(UnservableQueueItems.class.getName());

    private UnservableQueueItems() {
    }

    /**
     * Whether a queued item should be cancelled: its label is one the suspended template serves, and no node has it
     * and no cloud can provision it now (the suspended template no longer counts). Items without a label may run
     * anywhere, so they are never cancelled.
     */
    static boolean unservable(boolean labelled, boolean servedBySuspendedTemplate, int nodesWithLabel, int cloudsForLabel) {
        return labelled && servedBySuspendedTemplate && nodesWithLabel == 0 && cloudsForLabel == 0;
    }

    /** Cancels the queued items only the suspended template could serve; returns their ids. */
    static List<Long> cancelFor(AgentTemplate suspended, String reason) {
        Queue queue = Jenkins.get().getQueue();
        List<Long> cancelled = new ArrayList<>();
        for (Queue.Item item : queue.getItems()) {
            Label label = item.getAssignedLabel();
            if (label != null && unservable(true, suspended.matches(label), label.getNodes().size(),
                    label.getClouds().size()) && queue.cancel(item)) {
                cancelled.add(item.getId());
            }
        }
        if (!cancelled.isEmpty()) {
            LOG.warning("cancelled queue items " + cancelled + ": only template " + suspended.getName()
                    + " could serve them, and it is suspended: " + reason);
        }
        return cancelled;
    }
}
