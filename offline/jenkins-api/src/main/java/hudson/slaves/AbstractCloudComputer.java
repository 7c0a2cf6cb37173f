// Facade (compile only) of hudson.slaves.AbstractCloudComputer, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.slaves;

import edu.umd.cs.findbugs.annotations.CheckForNull;

public class AbstractCloudComputer<T extends AbstractCloudSlave> extends SlaveComputer {
    public AbstractCloudComputer(T slave) {
        super(slave);
        throw new UnsupportedOperationException("facade");
    }

    @CheckForNull
    @Override
    public T getNode() {
        throw new UnsupportedOperationException("facade");
    }
}
