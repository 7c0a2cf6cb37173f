// Facade (compile only) of hudson.util.FormValidation, org.jenkins-ci.main:jenkins-core 2.555.3. (implements org.kohsuke.stapler.HttpResponse upstream, left out).
package hudson.util;

import java.io.IOException;

public abstract class FormValidation extends IOException {
    public enum Kind {
        OK,
        WARNING,
        ERROR
    }

    public static FormValidation error(String message) {
        throw new UnsupportedOperationException("facade");
    }

    public static FormValidation warning(String message) {
        throw new UnsupportedOperationException("facade");
    }

    public static FormValidation ok(String message) {
        throw new UnsupportedOperationException("facade");
    }

    public static FormValidation ok() {
        throw new UnsupportedOperationException("facade");
    }

    public final Kind kind;

    private FormValidation(Kind kind) {
        throw new UnsupportedOperationException("facade");
    }
}
