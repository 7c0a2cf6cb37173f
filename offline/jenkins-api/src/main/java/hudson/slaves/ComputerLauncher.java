// Facade (compile only) of hudson.slaves.ComputerLauncher, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.slaves;

import hudson.ExtensionPoint;
import hudson.model.Describable;
import hudson.model.TaskListener;
import java.io.IOException;

public abstract class ComputerLauncher implements Describable<ComputerLauncher>, ExtensionPoint {
    public boolean isLaunchSupported() {
        throw new UnsupportedOperationException("facade");
    }

    public void launch(SlaveComputer computer, TaskListener listener) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("facade");
    }

    public void afterDisconnect(SlaveComputer computer, TaskListener listener) {
        throw new UnsupportedOperationException("facade");
    }
}
