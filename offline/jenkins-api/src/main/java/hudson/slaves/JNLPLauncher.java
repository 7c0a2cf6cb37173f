// Facade (compile only) of hudson.slaves.JNLPLauncher, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.slaves;

import hudson.model.TaskListener;

public class JNLPLauncher extends ComputerLauncher {
    public JNLPLauncher() {
    }

    @Override
    public boolean isLaunchSupported() {
        throw new UnsupportedOperationException("facade");
    }

    public boolean isWebSocket() {
        throw new UnsupportedOperationException("facade");
    }

    public void setWebSocket(boolean webSocket) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public void launch(SlaveComputer computer, TaskListener listener) {
        throw new UnsupportedOperationException("facade");
    }
}
