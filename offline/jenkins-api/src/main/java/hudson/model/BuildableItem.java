// Facade (compile only) of hudson.model.BuildableItem, org.jenkins-ci.main:jenkins-core 2.555.3. Type only.
package hudson.model;

public interface BuildableItem extends Item, Queue.Task {
}
