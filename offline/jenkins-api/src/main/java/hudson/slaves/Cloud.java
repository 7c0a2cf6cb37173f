// Facade (compile only) of hudson.slaves.Cloud, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.slaves;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.ExtensionPoint;
import hudson.model.Actionable;
import hudson.model.Describable;
import hudson.model.Label;
import hudson.slaves.NodeProvisioner.PlannedNode;
import java.util.Collection;

public abstract class Cloud extends Actionable implements ExtensionPoint, Describable<Cloud> {
    public String name;

    protected Cloud(String name) {
        throw new UnsupportedOperationException("facade");
    }

    public Collection<PlannedNode> provision(CloudState state, int excessWorkload) {
        throw new UnsupportedOperationException("facade");
    }

    public boolean canProvision(CloudState state) {
        throw new UnsupportedOperationException("facade");
    }

    public static final class CloudState {
        public CloudState(@CheckForNull Label label, int additionalPlannedCapacity) {
            throw new UnsupportedOperationException("facade");
        }

        @CheckForNull
        public Label getLabel() {
            throw new UnsupportedOperationException("facade");
        }

        public int getAdditionalPlannedCapacity() {
            throw new UnsupportedOperationException("facade");
        }
    }
}
