// Facade (compile only) of hudson.util.Secret, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.util;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;

public final class Secret implements Serializable {
    /*package*/ Secret(String value) {
        throw new UnsupportedOperationException("facade");
    }

    @NonNull
    public String getPlainText() {
        throw new UnsupportedOperationException("facade");
    }
}
