// Facade (compile only) of jenkins.model.Jenkins, org.jenkins-ci.main:jenkins-core 2.555.3.
package jenkins.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.Nullable;
import hudson.model.AbstractCIBase;
import hudson.model.Descriptor;
import hudson.model.Hudson;
import hudson.model.Node;
import hudson.security.AccessControlled;
import hudson.security.AuthorizationStrategy;
import hudson.security.Permission;
import hudson.security.SecurityRealm;
import hudson.slaves.Cloud;
import hudson.slaves.NodeDescriptor;
import hudson.util.DescribableList;
import java.io.IOException;
import java.util.List;

public class Jenkins extends AbstractCIBase implements AccessControlled {
    public final Hudson.CloudList clouds = null;

    public static class CloudList extends DescribableList<Cloud, Descriptor<Cloud>> {
        public CloudList() {
            throw new UnsupportedOperationException("facade");
        }

        public Cloud getByName(String name) {
            throw new UnsupportedOperationException("facade");
        }
    }

    @NonNull
    public static Jenkins get() throws IllegalStateException {
        throw new UnsupportedOperationException("facade");
    }

    public java.io.File getRootDir() {
        throw new UnsupportedOperationException("facade");
    }

    public String getLegacyInstanceId() {
        throw new UnsupportedOperationException("facade");
    }

    public @CheckForNull Node getNode(String name) {
        throw new UnsupportedOperationException("facade");
    }

    public Cloud getCloud(String name) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    @NonNull
    public List<Node> getNodes() {
        throw new UnsupportedOperationException("facade");
    }

    public hudson.model.Queue getQueue() {
        throw new UnsupportedOperationException("facade");
    }

    public boolean updateNode(Node n) throws IOException {
        throw new UnsupportedOperationException("facade");
    }

    public void addNode(Node n) throws IOException {
        throw new UnsupportedOperationException("facade");
    }

    public void removeNode(@NonNull Node n) throws IOException {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public NodeDescriptor getDescriptor() {
        throw new UnsupportedOperationException("facade");
    }

    public @Nullable String getRootUrl() throws IllegalStateException {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public Mode getMode() {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public String getLabelString() {
        throw new UnsupportedOperationException("facade");
    }

    public <T extends Descriptor> T getDescriptorByType(Class<T> type) {
        throw new UnsupportedOperationException("facade");
    }

    public void setSecurityRealm(@CheckForNull SecurityRealm securityRealm) {
        throw new UnsupportedOperationException("facade");
    }

    public void setAuthorizationStrategy(@CheckForNull AuthorizationStrategy a) {
        throw new UnsupportedOperationException("facade");
    }

    public synchronized void save() throws IOException {
        throw new UnsupportedOperationException("facade");
    }

    public static final Permission ADMINISTER = null;

    public static final Permission READ = null;
}
