// Facade (compile only) of hudson.model.Describable, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

public interface Describable<T extends Describable<T>> {
    default Descriptor<T> getDescriptor() {
        throw new UnsupportedOperationException("facade");
    }
}
