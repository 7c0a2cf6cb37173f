// Facade (compile only) of hudson.slaves.OfflineCause, org.jenkins-ci.main:jenkins-core 2.555.3. (implements jenkins.model.IOfflineCause upstream, left out).
package hudson.slaves;

public abstract class OfflineCause {
    public static class ChannelTermination extends OfflineCause {
        public final Exception cause;

        public ChannelTermination(Exception cause) {
            throw new UnsupportedOperationException("facade");
        }
    }
}
