// Facade (compile only) of hudson.model.AbstractItem, org.jenkins-ci.main:jenkins-core 2.555.3. The superclass of Job.
package hudson.model;

public abstract class AbstractItem extends Actionable implements Item {
    public final String getUrl() {
        throw new UnsupportedOperationException("facade");
    }

    protected AbstractItem(ItemGroup parent, String name) {
        throw new UnsupportedOperationException("facade");
    }
}
