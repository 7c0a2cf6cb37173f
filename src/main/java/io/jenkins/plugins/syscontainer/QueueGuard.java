package io.jenkins.plugins.syscontainer;

import hudson.Extension;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.Queue;
import hudson.model.queue.CauseOfBlockage;
import hudson.model.queue.QueueTaskDispatcher;
import hudson.slaves.Cloud;
import java.util.Objects;
import java.util.function.IntSupplier;
import jenkins.model.Jenkins;

/**
 * The queue's view of this plugin's rules, applied by Jenkins under its queue lock (so it makes no Docker call):
 * <ul>
 *   <li>After a non-retryable failure (bad template, missing image) suspended a template, a queued item that only
 *   that template could serve is given a fatal cause of blockage, so Jenkins removes it from the queue instead of
 *   letting it wait forever (Jenkins never drops an item whose label nothing can serve). Items some node or another
 *   cloud or template can still serve are left alone.</li>
 *   <li>A one-shot agent that already took its build takes no other; after a controller restart it still takes that
 *   same build back (a pipeline's {@code node} block resumes through the queue), and only that one.</li>
 * </ul>
 */
@Extension
public class QueueGuard extends QueueTaskDispatcher {
    @Override
    public CauseOfBlockage canRun(Queue.Item item) {
        if (SystemContainerCloud.SUSPENSIONS.isEmpty()) {
            return null;
        }
        Label label = item.getAssignedLabel();
        String suspendedBecause = label == null ? null : suspendedTemplateFor(label);
        if (!unservable(label != null, suspendedBecause != null, () -> label.getNodes().size(),
                () -> cloudsThatCanProvision(label))) {
            return null;
        }
        return new Fatal("no agent can be provisioned for label '" + label.getExpression() + "': " + suspendedBecause);
    }

    @Override
    public CauseOfBlockage canTake(Node node, Queue.BuildableItem item) {
        if (node instanceof SystemContainerAgent a && a.isUsed()) {
            Label label = item.getAssignedLabel();
            if (!takesBack(a.getUsedBy(), item.task.getUrl(), label == null ? null : label.getName(), a.getNodeName())) {
                return new Reserved(a.getNodeName(), a.getUsedBy());
            }
        }
        return null;
    }

    /** Asked now, not through Label.getClouds(), whose answer Jenkins caches for minutes. */
    private static int cloudsThatCanProvision(Label label) {
        int n = 0;
        for (Cloud c : Jenkins.get().clouds) {
            if (c.canProvision(new Cloud.CloudState(label, 0))) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether a queued item is to be dropped: it has a label, a suspended template serves it, and no node has the label
     * and no cloud can provision it now (a suspended template does not count). Items without a label may run
     * anywhere, so they are never dropped. The counts are asked only when the rest holds: this runs under the queue
     * lock for every queued item.
     */
    static boolean unservable(boolean labelled, boolean servedBySuspendedTemplate, IntSupplier nodesWithLabel,
            IntSupplier cloudsForLabel) {
        return labelled && servedBySuspendedTemplate && nodesWithLabel.getAsInt() == 0 && cloudsForLabel.getAsInt() == 0;
    }

    /**
     * Whether a used one-shot agent may take this task: only the build it ran (same task URL: a pipeline run's) when
     * the task asks for this very node by name, as a pipeline's {@code node} block resuming after a restart does.
     * Another {@code node} block of the same run, asking for a label, does not get it.
     */
    static boolean takesBack(String usedBy, String taskUrl, String assignedLabel, String nodeName) {
        return usedBy != null && Objects.equals(usedBy, taskUrl) && Objects.equals(assignedLabel, nodeName);
    }

    /** Whether some queued item asks for this node by name (a resuming pipeline {@code node} block). */
    static boolean queuedFor(String nodeName) {
        for (Queue.Item item : Jenkins.get().getQueue().getItems()) {
            Label label = item.getAssignedLabel();
            if (label != null && nodeName.equals(label.getName())) {
                return true;
            }
        }
        return false;
    }

    /** "template X of cloud Y is suspended: reason" for the first suspended template matching the label, or null. */
    private static String suspendedTemplateFor(Label label) {
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s) {
                for (AgentTemplate t : s.getTemplates()) {
                    TemplateSuspensions.Suspension susp = SystemContainerCloud.SUSPENSIONS.suspension(s.name + "/" + t.getName());
                    if (susp != null && t.matches(label)) {
                        return "template " + t.getName() + " of cloud " + s.name + " is suspended: " + susp.reason();
                    }
                }
            }
        }
        return null;
    }

    private static final class Fatal extends CauseOfBlockage {
        private final String message;

        Fatal(String message) {
            this.message = message;
        }

        @Override
        public String getShortDescription() {
            return message;
        }

        @Override
        public boolean isFatal() {
            return true;
        }
    }

    private static final class Reserved extends CauseOfBlockage {
        private final String agent;
        private final String usedBy;

        Reserved(String agent, String usedBy) {
            this.agent = agent;
            this.usedBy = usedBy;
        }

        @Override
        public String getShortDescription() {
            return "one-shot agent " + agent + " already ran " + (usedBy == null ? "a build" : usedBy);
        }
    }
}
