// Facade (compile only) of hudson.model.Descriptor, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;

public abstract class Descriptor<T extends Describable<T>> {
    protected Descriptor(Class<? extends T> clazz) {
        throw new UnsupportedOperationException("facade");
    }

    protected Descriptor() {
        throw new UnsupportedOperationException("facade");
    }

    @NonNull
    public String getDisplayName() {
        throw new UnsupportedOperationException("facade");
    }

    public static final class FormException extends Exception {
        public FormException(String message, String formField) {
            throw new UnsupportedOperationException("facade");
        }
    }
}
