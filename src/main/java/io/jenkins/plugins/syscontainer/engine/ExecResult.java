package io.jenkins.plugins.syscontainer.engine;

/** Exit code and captured output of one command run in an agent. */
public record ExecResult(int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** A command that did not complete in time. */
    public static final class TimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TimeoutException(String message) {
            super(message);
        }
    }
}
