package io.jenkins.plugins.syscontainer.engine;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** A process in an agent with its stdin and stdout as streams (see {@link AgentChannel#open}). */
public interface AgentStream extends Closeable {
    OutputStream stdin();

    /** Ends when the process exits or the stream is closed. */
    InputStream stdout();

    /** The exit code, or null if the process was still running after {@code timeout}. */
    Integer awaitExit(Duration timeout) throws InterruptedException;
}
