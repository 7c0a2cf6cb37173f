// Facade (compile only) of hudson.util.DescribableList, org.jenkins-ci.main:jenkins-core 2.555.3. No members are used (element access is inherited from PersistedList).
package hudson.util;

import hudson.model.Describable;
import hudson.model.Descriptor;

public class DescribableList<T extends Describable<T>, D extends Descriptor<T>> extends PersistedList<T> {
    protected DescribableList() {
        throw new UnsupportedOperationException("facade");
    }
}
