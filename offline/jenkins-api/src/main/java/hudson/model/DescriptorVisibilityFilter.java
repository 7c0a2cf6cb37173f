// Facade (compile only) of hudson.model.DescriptorVisibilityFilter, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;

public abstract class DescriptorVisibilityFilter implements ExtensionPoint {
    public boolean filterType(@NonNull Class<?> contextClass, @NonNull Descriptor descriptor) {
        throw new UnsupportedOperationException("facade");
    }

    public abstract boolean filter(@CheckForNull Object context, @NonNull Descriptor descriptor);
}
