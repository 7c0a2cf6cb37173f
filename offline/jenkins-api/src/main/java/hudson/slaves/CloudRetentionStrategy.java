// Facade (compile only) of hudson.slaves.CloudRetentionStrategy, org.jenkins-ci.main:jenkins-core 2.555.3. (the class-retention @GuardedBy annotation on check is left out).
package hudson.slaves;

public class CloudRetentionStrategy extends RetentionStrategy<AbstractCloudComputer> {
    public CloudRetentionStrategy(int idleMinutes) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public long check(final AbstractCloudComputer c) {
        throw new UnsupportedOperationException("facade");
    }

    @Override
    public void start(AbstractCloudComputer c) {
        throw new UnsupportedOperationException("facade");
    }
}
