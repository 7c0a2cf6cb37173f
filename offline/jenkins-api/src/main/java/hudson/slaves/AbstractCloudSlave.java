// Facade (compile only) of hudson.slaves.AbstractCloudSlave, org.jenkins-ci.main:jenkins-core 2.555.3. (@Override on createComputer dropped: Node/Slave.createComputer are not in the facade.)
package hudson.slaves;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Descriptor.FormException;
import hudson.model.Slave;
import hudson.model.TaskListener;
import java.io.IOException;

public abstract class AbstractCloudSlave extends Slave {
    protected AbstractCloudSlave(@NonNull String name, String remoteFS, ComputerLauncher launcher)
            throws FormException, IOException {
        super(name, remoteFS, launcher);
        throw new UnsupportedOperationException("facade");
    }

    public abstract AbstractCloudComputer createComputer();

    public void terminate() throws InterruptedException, IOException {
        throw new UnsupportedOperationException("facade");
    }

    protected abstract void _terminate(TaskListener listener) throws IOException, InterruptedException;
}
