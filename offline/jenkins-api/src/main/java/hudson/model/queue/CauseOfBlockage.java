// Facade (compile only) of hudson.model.queue.CauseOfBlockage, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model.queue;

public abstract class CauseOfBlockage {
    public abstract String getShortDescription();

    public boolean isFatal() {
        throw new UnsupportedOperationException("facade");
    }
}
