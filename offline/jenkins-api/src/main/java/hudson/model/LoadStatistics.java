// Facade (compile only) of hudson.model.LoadStatistics, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import java.io.Serializable;

public abstract class LoadStatistics {
    protected LoadStatistics(int initialOnlineExecutors, int initialBusyExecutors) {
        throw new UnsupportedOperationException("facade");
    }

    public static class LoadStatisticsSnapshot implements Serializable {
        private LoadStatisticsSnapshot(int definedExecutors, int onlineExecutors, int connectingExecutors,
                int busyExecutors, int idleExecutors, int availableExecutors, int queueLength) {
            throw new UnsupportedOperationException("facade");
        }

        public int getConnectingExecutors() {
            throw new UnsupportedOperationException("facade");
        }

        public int getAvailableExecutors() {
            throw new UnsupportedOperationException("facade");
        }

        public int getQueueLength() {
            throw new UnsupportedOperationException("facade");
        }
    }
}
