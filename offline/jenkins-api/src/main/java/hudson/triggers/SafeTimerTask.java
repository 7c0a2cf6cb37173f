// Facade (compile only) of hudson.triggers.SafeTimerTask, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.triggers;

import java.util.TimerTask;

public abstract class SafeTimerTask extends TimerTask {
    @Override
    public final void run() {
        throw new UnsupportedOperationException("facade");
    }

    protected abstract void doRun() throws Exception;
}
