// Facade (compile only) of hudson.model.AsyncPeriodicWork, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import java.io.IOException;

public abstract class AsyncPeriodicWork extends PeriodicWork {
    protected AsyncPeriodicWork(String name) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public final void doRun() {
        throw new UnsupportedOperationException("facade");
    }

    protected abstract void execute(TaskListener listener) throws IOException, InterruptedException;
}
