// Facade (compile only) of hudson.slaves.NodeDescriptor, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.slaves;

import hudson.model.Descriptor;
import hudson.model.Node;

public abstract class NodeDescriptor extends Descriptor<Node> {
    protected NodeDescriptor(Class<? extends Node> clazz) {
        throw new UnsupportedOperationException("facade");
    }

    protected NodeDescriptor() {
        throw new UnsupportedOperationException("facade");
    }

    public boolean isInstantiable() {
        throw new UnsupportedOperationException("facade");
    }
}
