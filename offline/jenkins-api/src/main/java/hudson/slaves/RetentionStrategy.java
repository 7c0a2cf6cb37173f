// Facade (compile only) of hudson.slaves.RetentionStrategy, org.jenkins-ci.main:jenkins-core 2.555.3. (the class-retention @GuardedBy annotation on check is left out).
package hudson.slaves;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;
import hudson.model.Computer;
import hudson.model.Describable;

public abstract class RetentionStrategy<T extends Computer> implements Describable<RetentionStrategy<?>>, ExtensionPoint {
    public abstract long check(@NonNull T c);

    public boolean isManualLaunchAllowed(T c) {
        throw new UnsupportedOperationException("facade");
    }

    public boolean isAcceptingTasks(T c) {
        throw new UnsupportedOperationException("facade");
    }

    public void start(final @NonNull T c) {
        throw new UnsupportedOperationException("facade");
    }
}
