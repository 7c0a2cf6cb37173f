// Facade (compile only) of hudson.slaves.EphemeralNode, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.slaves;

import hudson.model.Node;

public interface EphemeralNode {
    Node asNode();
}
