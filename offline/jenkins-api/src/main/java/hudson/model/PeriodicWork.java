// Facade (compile only) of hudson.model.PeriodicWork, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import hudson.ExtensionPoint;
import hudson.triggers.SafeTimerTask;

public abstract class PeriodicWork extends SafeTimerTask implements ExtensionPoint {
    public abstract long getRecurrencePeriod();

    public long getInitialDelay() {
        throw new UnsupportedOperationException("facade");
    }
}
