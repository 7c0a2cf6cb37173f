// Facade (compile only) of hudson.model.Computer, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.security.AccessControlled;
import hudson.slaves.OfflineCause;
import java.util.List;
import java.util.concurrent.Future;

public abstract class Computer extends Actionable implements AccessControlled, ExecutorListener {
    protected Computer(Node node) {
        throw new UnsupportedOperationException("facade");
    }

    public Future<?> disconnect(OfflineCause cause) {
        throw new UnsupportedOperationException("facade");
    }

    public @NonNull String getName() {
        throw new UnsupportedOperationException("facade");
    }

    @CheckForNull
    public Node getNode() {
        throw new UnsupportedOperationException("facade");
    }

    public final java.util.concurrent.Future<?> connect(boolean forceReconnect) {
        throw new UnsupportedOperationException("facade");
    }

    public static final java.util.concurrent.ExecutorService threadPoolForRemoting = null;
    public static final hudson.security.Permission CONFIGURE = null;

    public boolean isOffline() {
        throw new UnsupportedOperationException("facade");
    }

    public final boolean isOnline() {
        throw new UnsupportedOperationException("facade");
    }

    public void setTemporaryOfflineCause(@CheckForNull OfflineCause temporaryOfflineCause) {
        throw new UnsupportedOperationException("facade");
    }

    public List<Executor> getExecutors() {
        throw new UnsupportedOperationException("facade");
    }

    public final boolean isIdle() {
        throw new UnsupportedOperationException("facade");
    }

    public final long getIdleStartMilliseconds() {
        throw new UnsupportedOperationException("facade");
    }
}
