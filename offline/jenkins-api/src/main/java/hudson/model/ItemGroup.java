// Facade (compile only) of hudson.model.ItemGroup, org.jenkins-ci.main:jenkins-core 2.555.3. Type only.
package hudson.model;

public interface ItemGroup<T extends Item> {
}
