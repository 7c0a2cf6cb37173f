// Facade (compile only) of hudson.model.AbstractCIBase, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.security.AccessControlled;
import java.util.List;

public abstract class AbstractCIBase extends Node implements ItemGroup<TopLevelItem>, AccessControlled {
    @NonNull
    @Deprecated
    @Override
    public String getNodeName() {
        throw new UnsupportedOperationException("facade");
    }

    public abstract List<Node> getNodes();
}
