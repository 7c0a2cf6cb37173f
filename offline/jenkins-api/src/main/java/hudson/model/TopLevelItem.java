// Facade (compile only) of hudson.model.TopLevelItem, org.jenkins-ci.main:jenkins-core 2.555.3. Type only.
package hudson.model;

public interface TopLevelItem extends Item {
}
