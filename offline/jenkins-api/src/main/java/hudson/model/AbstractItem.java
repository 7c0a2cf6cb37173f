// Facade (compile only) of hudson.model.AbstractItem, org.jenkins-ci.main:jenkins-core 2.555.3. Type only (the superclass of Job).
package hudson.model;

public abstract class AbstractItem extends Actionable implements Item {
    protected AbstractItem(ItemGroup parent, String name) {
        throw new UnsupportedOperationException("facade");
    }
}
