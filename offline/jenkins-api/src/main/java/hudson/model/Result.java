// Facade (compile only) of hudson.model.Result, org.jenkins-ci.main:jenkins-core 2.555.3. Used by the JenkinsRule tests (offline/jenkins-tests).
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;

public final class Result implements Serializable {
    public static final @NonNull Result SUCCESS = null;
    public static final @NonNull Result FAILURE = null;
    public static final @NonNull Result ABORTED = null;

    private Result(@NonNull String name, @NonNull BallColor color, int ordinal, boolean complete) {
        throw new UnsupportedOperationException("facade");
    }
}
