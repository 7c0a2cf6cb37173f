package io.jenkins.plugins.syscontainer.engine;

/** A classified provisioning failure; {@link #kind()} says whether to retry, move on, or fail the build. */
public class ProvisioningException extends Exception {
    private static final long serialVersionUID = 1L;
    private final FailureKind kind;

    public ProvisioningException(FailureKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public ProvisioningException(FailureKind kind, String message) {
        this(kind, message, null);
    }

    public FailureKind kind() {
        return kind;
    }

    @Override
    public String getMessage() {
        return "[" + kind + "] " + super.getMessage();
    }

    /** The message without the kind in front. */
    public String getRawMessage() {
        return super.getMessage();
    }
}
