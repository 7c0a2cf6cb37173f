package io.jenkins.plugins.syscontainer;

import hudson.Extension;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.Queue;
import hudson.model.TaskListener;
import hudson.model.queue.CauseOfBlockage;
import hudson.model.queue.QueueTaskDispatcher;
import hudson.slaves.Cloud;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.flow.FlowExecutionOwner;

/**
 * The queue's view of this plugin's rules, applied by Jenkins under its queue lock (so it makes no Docker call and
 * reads only live configuration):
 * <ul>
 *   <li>A queued item that only a template that cannot provision could serve (its settings are wrong, found without
 *   any Docker call, or it is suspended after a failure another host cannot fix, or a step's one-off agent failed
 *   that way) is told why. A Pipeline's {@code node} block gets the reason in its build log and is then dropped
 *   from the queue (a fatal cause of blockage: the build ends at once instead of waiting). Other items (a freestyle
 *   build has no log yet) wait with the reason shown in the queue, and run once the template is fixed: saving the
 *   cloud clears its suspensions, and a fixed setting is read again on the next pass. Items some node, another cloud
 *   or another template can serve are left alone.</li>
 *   <li>A one-shot agent that already took its build takes no other; after a controller restart it still takes that
 *   same build back (a pipeline's {@code node} block resumes through the queue), and only that one.</li>
 * </ul>
 */
@Extension
public class QueueGuard extends QueueTaskDispatcher {
    private static final Logger LOG = Logger.getLogger(QueueGuard.class.getName());
    /** Queue item ids whose build log was already told, so the reason is printed once. */
    private static final Set<Long> TOLD = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<Long, Boolean>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                    return size() > 1000;
                }
            }));

    @Override
    public CauseOfBlockage canRun(Queue.Item item) {
        Label label = item.getAssignedLabel();
        if (label == null) {
            return null; // runs anywhere: never ours to refuse
        }
        String reason = blockedReason(label);
        if (!unservable(reason != null, () -> label.getNodes().size(), () -> cloudsThatCanProvision(label))) {
            return null;
        }
        String message = Messages.QueueGuard_Unservable(label.getExpression(), reason);
        TaskListener log = buildLog(item);
        if (log == null) {
            return new Waiting(message);
        }
        if (TOLD.add(item.getId())) {
            log.getLogger().println("[system-container] " + message);
        }
        return new Fatal(message);
    }

    @Override
    public CauseOfBlockage canTake(Node node, Queue.BuildableItem item) {
        if (node instanceof SystemContainerAgent a && a.isUsed()) {
            Label label = item.getAssignedLabel();
            if (!takesBack(a.getUsedBy(), item.task.getUrl(), label == null ? null : label.getName(), a.getNodeName())) {
                return new Waiting(Messages.QueueGuard_Reserved(a.getNodeName(), a.getUsedBy() == null ? "a build" : a.getUsedBy()));
            }
        }
        return null;
    }

    /** The reason the first of this plugin's templates serving the label cannot provision, or null. */
    private static String blockedReason(Label label) {
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s) {
                String r = s.blockedReason(label);
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    /** The build log of a Pipeline's {@code node} block waiting in the queue, or null (no log to write to yet). */
    private static TaskListener buildLog(Queue.Item item) {
        if (item.task.getOwnerExecutable() instanceof FlowExecutionOwner.Executable run) {
            try {
                FlowExecutionOwner owner = run.asFlowExecutionOwner();
                return owner == null ? null : owner.getListener();
            } catch (java.io.IOException e) {
                LOG.log(Level.FINE, "no log for " + item, e);
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
     * Whether a queued item with a label is to be told it cannot run: a template of ours that serves it cannot
     * provision, no node has the label and no cloud can provision it now. The counts are asked only when the rest
     * holds: this runs under the queue lock for every queued item.
     */
    static boolean unservable(boolean blockedTemplateServes, IntSupplier nodesWithLabel, IntSupplier cloudsForLabel) {
        return blockedTemplateServes && nodesWithLabel.getAsInt() == 0 && cloudsForLabel.getAsInt() == 0;
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

    private static final class Waiting extends CauseOfBlockage {
        private final String message;

        Waiting(String message) {
            this.message = message;
        }

        @Override
        public String getShortDescription() {
            return message;
        }
    }
}
