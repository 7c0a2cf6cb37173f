// Facade (compile only) of hudson.model.Slave, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Descriptor.FormException;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.NodeDescriptor;
import hudson.slaves.RetentionStrategy;
import hudson.slaves.SlaveComputer;
import java.io.IOException;
import java.io.Serializable;
import org.kohsuke.stapler.DataBoundSetter;

public abstract class Slave extends Node implements Serializable {
    protected Slave(@NonNull String name, String remoteFS, ComputerLauncher launcher) throws FormException, IOException {
        throw new UnsupportedOperationException("facade");
    }

    @NonNull
    public hudson.Launcher createLauncher(TaskListener listener) {
        throw new UnsupportedOperationException("facade");
    }

    public @CheckForNull hudson.FilePath getWorkspaceRoot() {
        throw new UnsupportedOperationException("facade");
    }

    public int getNumExecutors() {
        throw new UnsupportedOperationException("facade");
    }

    public String getRemoteFS() {
        throw new UnsupportedOperationException("facade");
    }

    @NonNull
    @Override
    public String getNodeName() {
        throw new UnsupportedOperationException("facade");
    }

    @DataBoundSetter
    public void setNodeDescription(String value) {
        throw new UnsupportedOperationException("facade");
    }

    @DataBoundSetter
    public void setNumExecutors(int n) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public Mode getMode() {
        throw new UnsupportedOperationException("facade");
    }

    @DataBoundSetter
    public void setMode(Mode mode) {
        throw new UnsupportedOperationException("facade");
    }

    @DataBoundSetter
    public void setRetentionStrategy(RetentionStrategy availabilityStrategy) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public String getLabelString() {
        throw new UnsupportedOperationException("facade");
    }

    @DataBoundSetter
    public void setLabelString(String labelString) throws IOException {
        throw new UnsupportedOperationException("facade");
    }

    @CheckForNull
    public SlaveComputer getComputer() {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public SlaveDescriptor getDescriptor() {
        throw new UnsupportedOperationException("facade");
    }

    public abstract static class SlaveDescriptor extends NodeDescriptor {
    }
}
