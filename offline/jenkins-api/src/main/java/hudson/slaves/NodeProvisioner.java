// Facade (compile only) of hudson.slaves.NodeProvisioner, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.slaves;

public class NodeProvisioner {
    public static class PlannedNode {
    }
}
