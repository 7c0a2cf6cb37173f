package io.jenkins.plugins.syscontainer.engine;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Commands and streams into a running agent, whatever the platform: the launchers copy the agent jar and start the
 * agent through it, and the attach launcher's remoting channel is one of its streams.
 *
 * <p>Input must be size-delimited: closing a command's stdin does not reach the process on every platform (Docker's
 * exec never delivers EOF), so a command that reads stdin stops after the bytes it was told of.
 */
public interface AgentChannel {
    /** Runs {@code command} as {@code user} (null: the image's user) with optional input, waiting at most {@code timeout}. */
    ExecResult run(List<String> command, String user, byte[] stdin, Duration timeout) throws InterruptedException;

    /** As {@link #run}, streaming {@code length} bytes of input. */
    ExecResult run(List<String> command, String user, InputStream stdin, Duration timeout) throws InterruptedException;

    /**
     * Writes a file atomically (a reader never sees half of it), owned by {@code user}, with {@code mode}; private
     * until the mode is applied, so a secret written 0600 is never readable by others.
     */
    void putFile(String path, byte[] content, String mode, String user, Duration timeout) throws InterruptedException;

    /** Starts {@code command} and returns at once; the process outlives the call. */
    void startDetached(List<String> command, String user, Duration timeout) throws InterruptedException;

    /** A long-lived process whose stdin and stdout are streams (no time limit: the protocol on top has its own). */
    AgentStream open(List<String> command, String user, Consumer<byte[]> stderr);

    /** A {@code sh -c} command line that feeds exactly {@code length} bytes of stdin to {@code script}. */
    static List<String> shellWithInput(long length, String script) {
        return List.of("sh", "-c", "head -c " + length + " | { " + script + "; }");
    }
}
