// Facade (compile only) of hudson.model.Executor, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;

public class Executor extends Thread {
    public @NonNull Computer getOwner() {
        throw new UnsupportedOperationException("facade");
    }

    public Executor(@NonNull Computer owner, int n) {
        throw new UnsupportedOperationException("facade");
    }
}
