// Facade (compile only) of hudson.model.AbstractDescribableImpl, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

@Deprecated(since = "2.505")
public abstract class AbstractDescribableImpl<T extends AbstractDescribableImpl<T>> implements Describable<T> {
}
