// Facade (compile only) of hudson.slaves.NodeProvisioner, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.slaves;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;
import hudson.model.Label;
import hudson.model.Node;
import java.util.Collection;
import java.util.concurrent.Future;

public class NodeProvisioner {
    public static class PlannedNode {
        public final String displayName;

        public final Future<Node> future;

        public final int numExecutors;

        public PlannedNode(String displayName, Future<Node> future, int numExecutors) {
            throw new UnsupportedOperationException("facade");
        }

        public void spent() {
            throw new UnsupportedOperationException("facade");
        }
    }

    public enum StrategyDecision {
        CONSULT_REMAINING_STRATEGIES,
        PROVISIONING_COMPLETED
    }

    public abstract static class Strategy implements ExtensionPoint {
        @NonNull
        public abstract StrategyDecision apply(@NonNull StrategyState state);
    }

    public final class StrategyState {
        @CheckForNull
        public Label getLabel() {
            throw new UnsupportedOperationException("facade");
        }

        public hudson.model.LoadStatistics.LoadStatisticsSnapshot getSnapshot() {
            throw new UnsupportedOperationException("facade");
        }

        public int getPlannedCapacitySnapshot() {
            throw new UnsupportedOperationException("facade");
        }

        public synchronized int getAdditionalPlannedCapacity() {
            throw new UnsupportedOperationException("facade");
        }

        public void recordPendingLaunches(PlannedNode... plannedNodes) {
            throw new UnsupportedOperationException("facade");
        }

        public void recordPendingLaunches(Collection<PlannedNode> plannedNodes) {
            throw new UnsupportedOperationException("facade");
        }
    }
}
