// Facade (compile only) of hudson.slaves.SlaveComputer, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.slaves;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Computer;
import hudson.model.Slave;
import hudson.model.TaskListener;
import hudson.remoting.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Future;

public class SlaveComputer extends Computer {
    public SlaveComputer(Slave slave) {
        super(slave);
        throw new UnsupportedOperationException("facade");
    }

    public boolean isConnecting() {
        throw new UnsupportedOperationException("facade");
    }

    public void setAcceptingTasks(boolean acceptingTasks) {
        throw new UnsupportedOperationException("facade");
    }

    public String getJnlpMac() {
        throw new UnsupportedOperationException("facade");
    }

    @CheckForNull
    @Override
    public Slave getNode() {
        throw new UnsupportedOperationException("facade");
    }

    @NonNull
    public TaskListener getListener() {
        throw new UnsupportedOperationException("facade");
    }

    public void setChannel(@NonNull InputStream in, @NonNull OutputStream out,
                           @NonNull TaskListener taskListener,
                           @CheckForNull Channel.Listener listener) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("facade");
    }

    public void setChannel(@NonNull InputStream in, @NonNull OutputStream out,
                           @CheckForNull OutputStream launchLog,
                           @CheckForNull Channel.Listener listener) throws IOException, InterruptedException {
        throw new UnsupportedOperationException("facade");
    }

    public Channel getChannel() {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public Future<?> disconnect(OfflineCause cause) {
        throw new UnsupportedOperationException("facade");
    }
}
