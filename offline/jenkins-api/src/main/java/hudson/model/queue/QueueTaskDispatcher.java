// Facade (compile only) of hudson.model.queue.QueueTaskDispatcher, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model.queue;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.ExtensionPoint;
import hudson.model.Node;
import hudson.model.Queue;
import hudson.model.Queue.BuildableItem;

public abstract class QueueTaskDispatcher implements ExtensionPoint {
    public @CheckForNull CauseOfBlockage canTake(Node node, BuildableItem item) {
        throw new UnsupportedOperationException("facade");
    }

    public @CheckForNull CauseOfBlockage canRun(Queue.Item item) {
        throw new UnsupportedOperationException("facade");
    }
}
