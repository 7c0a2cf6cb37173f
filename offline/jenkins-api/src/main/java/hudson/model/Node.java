// Facade (compile only) of hudson.model.Node, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.ExtensionPoint;
import hudson.security.AccessControlled;
import hudson.slaves.NodeDescriptor;

public abstract class Node extends AbstractModelObject implements ReconfigurableDescribable<Node>, ExtensionPoint, AccessControlled {
    public abstract String getNodeName();

    public abstract Mode getMode();

    @CheckForNull
    public final Computer toComputer() {
        throw new UnsupportedOperationException("facade");
    }

    public abstract String getLabelString();

    @Override
    public abstract NodeDescriptor getDescriptor();

    public enum Mode {
        NORMAL,
        EXCLUSIVE
    }
}
