// Facade (compile only) of hudson.model.ReconfigurableDescribable, org.jenkins-ci.main:jenkins-core 2.555.3. Type only.
package hudson.model;

public interface ReconfigurableDescribable<T extends ReconfigurableDescribable<T>> extends Describable<T> {
}
