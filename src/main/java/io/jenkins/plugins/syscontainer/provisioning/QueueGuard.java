package io.jenkins.plugins.syscontainer.provisioning;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.Queue;
import hudson.model.TaskListener;
import hudson.model.queue.CauseOfBlockage;
import hudson.model.queue.QueueTaskDispatcher;
import hudson.slaves.Cloud;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import java.io.IOException;
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
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution;

/**
 * The queue's view of this plugin's rules, applied by Jenkins under its queue lock (so it makes no Docker call and
 * reads only live configuration and memory):
 * <ul>
 *   <li>A queued item that only a template that cannot provision could serve (its settings are wrong, found without
 *   any Docker call, or it is suspended after a failure no other host or try can fix, or a step's one-off agent
 *   failed that way) is told why. A Pipeline's {@code node} block gets the reason in its build log and then fails
 *   (result FAILURE, the reason as its error: nobody pressed stop). Other items (a freestyle build has no log yet)
 *   wait with the reason shown in the queue, and run once the template is fixed: saving the cloud clears its
 *   suspensions, and a fixed setting is read again on the next pass. Items some node, another cloud or another
 *   template can serve are left alone.</li>
 *   <li>An item that waits because every host of the cloud is down says so (since when, the next try, the last error)
 *   in the queue and, for a Pipeline, once in its build log; it is provisioned as soon as a host answers.</li>
 *   <li>A one-shot agent that already took its build takes no other; after a controller restart it still takes that
 *   same build back (a pipeline's {@code node} block resumes through the queue), and only that one.</li>
 * </ul>
 */
@Extension
public class QueueGuard extends QueueTaskDispatcher {
    private static final Logger LOG = Logger.getLogger(QueueGuard.class.getName());
    /** Queue item ids whose build log was already told (a reason, or that it fails), so each is said once. Bounded. */
    private final Set<String> told = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<String, Boolean>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 2000;
                }
            }));

    /**
     * What the clouds say about a label: why its builds cannot be served (a broken or suspended template), or why they
     * wait (every host down). The queue asks for every queued item on every pass; the answer is kept per label for a
     * second while the clouds stay the same objects, so a queue of thousands of items costs a map look-up each, not a
     * walk through clouds and templates.
     */
    private record Verdict(String blocked, String waiting, Waiting waitingCause, long atNanos, long clouds) {
    }

    static final long VERDICT_NANOS = 1_000_000_000L;
    private final Map<Label, Verdict> verdicts = new java.util.concurrent.ConcurrentHashMap<>();

    /** Changes when a cloud is added, removed or replaced (a saved configuration replaces the cloud objects). */
    private static long cloudsStamp() {
        long stamp = 1;
        for (Cloud c : Jenkins.get().clouds) {
            stamp = stamp * 31 + System.identityHashCode(c);
        }
        return stamp;
    }

    private Verdict verdict(Label label) {
        long now = System.nanoTime();
        long clouds = cloudsStamp();
        Verdict v = verdicts.get(label);
        if (v != null && now - v.atNanos() < VERDICT_NANOS && v.clouds() == clouds) {
            return v;
        }
        String blocked = null;
        String waiting = null;
        for (ProvisioningCloud c : CloudEngines.clouds()) {
            if (!c.serves(label)) {
                continue;
            }
            blocked = c.blockedReason(label);
            if (blocked == null) {
                waiting = c.waitingReason(label);
            }
            break;
        }
        if (verdicts.size() > 10_000) {
            verdicts.clear(); // labels come and go (a step's one-off labels): stay bounded
        }
        v = new Verdict(blocked, waiting,
                waiting == null ? null : new Waiting(Messages.QueueGuard_Waiting(label.getExpression(), waiting)), now,
                clouds);
        verdicts.put(label, v);
        return v;
    }

    @Override
    public CauseOfBlockage canRun(Queue.Item item) {
        Label label = item.getAssignedLabel();
        if (label == null) {
            return null; // runs anywhere: never ours to refuse
        }
        Verdict v = verdict(label);
        if (v.blocked() == null && v.waiting() == null) {
            return null;
        }
        String blocked = v.blocked();
        String waiting = v.waiting();
        String reason = blocked;
        if (reason != null && unservable(true, () -> label.getNodes().size(), () -> cloudsThatCanProvision(label))) {
            String message = Messages.QueueGuard_Unservable(label.getExpression(), reason);
            TaskListener log = buildLog(item);
            if (log != null && told.add(item.getId() + "/fatal")) {
                log.getLogger().println("[system-container] " + message);
                failNodeBlock(item, message);
            }
            return new Waiting(message);
        }
        if (waiting != null && label.getNodes().isEmpty()) {
            TaskListener log = buildLog(item);
            if (log != null && told.add(item.getId() + "/waiting/" + waiting.hashCode())) {
                log.getLogger().println("[system-container] " + v.waitingCause().getShortDescription());
            }
            return v.waitingCause();
        }
        return null;
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

    /** The build log of a Pipeline's {@code node} block waiting in the queue, or null (no log to write to yet). */
    private static TaskListener buildLog(Queue.Item item) {
        if (item.task.getOwnerExecutable() instanceof FlowExecutionOwner.Executable run) {
            try {
                FlowExecutionOwner owner = run.asFlowExecutionOwner();
                return owner == null ? null : owner.getListener();
            } catch (IOException e) {
                LOG.log(Level.FINE, "no log for " + item, e);
            }
        }
        return null;
    }

    /**
     * Ends a Pipeline's {@code node} block that nothing can serve with a failure carrying the reason (the block's
     * step is stopped as Jenkins does when a build is aborted while it waits, but with an error, not an abort). Off
     * the queue lock: finding the step looks at the running Pipelines.
     */
    private static void failNodeBlock(Queue.Item item, String message) {
        Computer.threadPoolForRemoting.submit(() -> {
            FlowNode waiting;
            try {
                waiting = item.task instanceof ExecutorStepExecution.PlaceholderTask p ? p.getNode() : null;
            } catch (IOException | InterruptedException | RuntimeException e) {
                waiting = null;
            }
            if (waiting == null) {
                Jenkins.get().getQueue().cancel(item); // not a node block we can reach: the queue drops it
                return;
            }
            FlowNode node = waiting;
            StepExecution.applyAll(ExecutorStepExecution.class, e -> {
                try {
                    FlowNode mine = e.getContext().get(FlowNode.class);
                    if (mine != null && mine.getId().equals(node.getId())
                            && Objects.equals(mine.getExecution().getOwner(), node.getExecution().getOwner())) {
                        e.stop(new AbortException(message));
                    }
                } catch (Exception ex) {
                    LOG.log(Level.FINE, "could not fail the node block of " + item, ex);
                }
                return null;
            });
        });
    }

    /** Clouds (of any kind) other than ours with a blocked template that can provision this label now. */
    private static int cloudsThatCanProvision(Label label) {
        int n = 0;
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof ProvisioningCloud p) {
                if (p.serves(label) && p.blockedReason(label) == null) {
                    n++;
                }
            } else if (c.canProvision(new Cloud.CloudState(label, 0))) {
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
