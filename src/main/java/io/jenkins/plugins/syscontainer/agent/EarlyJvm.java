package io.jenkins.plugins.syscontainer.agent;

import io.jenkins.plugins.syscontainer.engine.AgentChannel;
import io.jenkins.plugins.syscontainer.engine.AgentStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;

/**
 * An agent JVM started in the container while its inner Docker is still starting: the remoting jar copied in and
 * {@code java -jar} running, waiting on its stdin for the controller's handshake. The attach launcher takes it when
 * the node is added, instead of starting the JVM only then; the build still starts only once the inner Docker is
 * ready (the node is added after that). What the JVM writes to stderr before the launcher takes it is kept (bounded)
 * and replayed into the launch log.
 */
final class EarlyJvm {
    private static final int KEPT = 64 * 1024;

    private final CompletableFuture<AgentStream> stream = new CompletableFuture<>();
    private final long startedNanos = System.nanoTime();
    private final ByteArrayOutputStream early = new ByteArrayOutputStream();
    private PrintStream sink;
    private volatile long jarCopiedMs = -1;
    private volatile long jvmStartedMs = -1;

    /** Copies the jar and starts the JVM, on the engine's thread for it; a failure is kept for the launcher to see. */
    void start(AgentChannel channel, String remoteFs) {
        try {
            String jar = RemotingJar.copyInto(channel, "", remoteFs, null);
            jarCopiedMs = sinceStart();
            AgentStream s = channel.open(AttachLauncher.command(jar, remoteFs), AttachLauncher.AGENT_USER, this::stderr);
            jvmStartedMs = sinceStart();
            stream.complete(s);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stream.completeExceptionally(e);
        } catch (IOException | RuntimeException e) {
            stream.completeExceptionally(e);
        }
    }

    private long sinceStart() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    CompletableFuture<AgentStream> stream() {
        return stream;
    }

    /** What the early start took: the jar copy, then the JVM process started, in ms after the container ran. */
    String timings() {
        return "remoting.jar copied at +" + jarCopiedMs + " ms, agent JVM started at +" + jvmStartedMs
                + " ms after the container started";
    }

    private synchronized void stderr(byte[] bytes) {
        if (sink != null) {
            sink.write(bytes, 0, bytes.length);
        } else if (early.size() < KEPT) {
            early.write(bytes, 0, Math.min(bytes.length, KEPT - early.size()));
        }
    }

    /** From now on the JVM's stderr goes to the launch log, after what it wrote so far. */
    synchronized void attachTo(PrintStream log) {
        log.write(early.toByteArray(), 0, early.size());
        early.reset();
        sink = log;
    }

    /** Drops it: the JVM's stream is closed once it exists (its container is going anyway). */
    void drop() {
        stream.thenAccept(s -> {
            try {
                s.close();
            } catch (IOException e) {
                // the container is being removed: nothing more to do
            }
        });
    }
}
