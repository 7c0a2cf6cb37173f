// Facade (compile only) of hudson.model.Queue, org.jenkins-ci.main:jenkins-core 2.555.3. The nested Item omits its QueueItem interface.
package hudson.model;

public class Queue extends ResourceController {
    public interface Task {
        String getUrl();
    }

    public interface Executable {
    }

    public boolean cancel(Item item) {
        throw new UnsupportedOperationException("facade");
    }

    public Item[] getItems() {
        throw new UnsupportedOperationException("facade");
    }

    public abstract static class Item extends Actionable {
        public final Task task = null;

        public long getId() {
            throw new UnsupportedOperationException("facade");
        }

        public Label getAssignedLabel() {
            throw new UnsupportedOperationException("facade");
        }
    }

    public abstract static class NotWaitingItem extends Item {
    }

    public static final class BuildableItem extends NotWaitingItem {
    }
}
