package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.jenkins.plugins.syscontainer.engine.AgentStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A long-lived exec inside a container whose stdin and stdout are exposed as Java streams: the channel the Jenkins
 * agent speaks over, so the agent needs no network route to the controller. Runs on the host's streaming client,
 * which has no response timeout (the protocol on top has its own liveness checks).
 *
 * <p>Closing {@link #stdin()} does not deliver EOF to the process (a Docker limitation); protocols on top must be
 * self-delimiting, and {@link #close()} ends the exec's streams from our side.
 */
public final class ExecStream implements AgentStream {
    private static final int PIPE_BYTES = 1 << 20;

    private final DockerClient docker;
    private final String execId;
    private final BytePipe toContainer = new BytePipe(PIPE_BYTES);
    private final BytePipe fromContainer = new BytePipe(PIPE_BYTES);
    private final ResultCallback.Adapter<Frame> callback;

    private ExecStream(DockerClient docker, String containerId, List<String> command, String user,
            Consumer<byte[]> stderr) {
        this.docker = docker;
        this.execId = docker.execCreateCmd(containerId)
                .withCmd(command.toArray(String[]::new))
                .withUser(user)
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .exec().getId();
        OutputStream sink = fromContainer.output();
        this.callback = docker.execStartCmd(execId)
                .withStdIn(toContainer.input())
                .exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                        if (frame.getStreamType() == StreamType.STDERR) {
                            stderr.accept(frame.getPayload());
                            return;
                        }
                        try {
                            sink.write(frame.getPayload());
                        } catch (IOException e) {
                            // The reader went away; drop output rather than block the transport thread.
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        fromContainer.closeWriter();
                        super.onError(t);
                    }

                    @Override
                    public void onComplete() {
                        fromContainer.closeWriter();
                        super.onComplete();
                    }
                });
    }

    /** Starts {@code command} in the container with attached streams; {@code stderr} receives the error output. */
    public static ExecStream open(DockerClient streamingClient, String containerId, List<String> command, String user,
            Consumer<byte[]> stderr) {
        return new ExecStream(streamingClient, containerId, command, user, stderr);
    }

    @Override
    public OutputStream stdin() {
        return toContainer.output();
    }

    @Override
    public InputStream stdout() {
        return fromContainer.input();
    }

    @Override
    public Integer awaitExit(Duration timeout) throws InterruptedException {
        if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return null;
        }
        Long code = docker.inspectExecCmd(execId).exec().getExitCodeLong();
        return code == null ? null : code.intValue();
    }

    @Override
    public void close() throws IOException {
        toContainer.closeWriter();
        fromContainer.closeReader();
        callback.close();
    }
}
