// Facade (compile only) of hudson.AbortException, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson;

import java.io.IOException;

public class AbortException extends IOException {
    public AbortException() {
        throw new UnsupportedOperationException("facade");
    }

    public AbortException(String message) {
        throw new UnsupportedOperationException("facade");
    }
}
