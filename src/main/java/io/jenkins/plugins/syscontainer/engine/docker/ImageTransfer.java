package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.DockerClient;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Copies an image from the host's Docker into a system container's inner Docker: {@code docker save} on the host
 * streamed straight into {@code docker load} through an exec, with nothing written to the controller's disk. The
 * exec's input must be size-delimited (Docker never delivers EOF to it), and the archive's size is not known before
 * it is written, so the stream is sent in frames: a decimal length on a line, then that many bytes; a length of 0
 * ends it. The shell inside reads each length with {@code read} (byte by byte on a pipe) and each frame with
 * {@code head -c}, which never reads past its count.
 */
public final class ImageTransfer {
    static final int FRAME = 1 << 20;
    static final String UNFRAME = "while IFS= read -r n && [ \"$n\" -gt 0 ]; do head -c \"$n\"; done | docker load -q";

    private ImageTransfer() {
    }

    /** On a managed host: the silent {@code docker load} runs on the host's streaming client. */
    public static ExecResult copyFromHost(ManagedHost host, String containerId, String image, Duration timeout)
            throws InterruptedException {
        return copy(host.api(), ContainerExec.longRunning(host), containerId, image, timeout);
    }

    /** The exec's result; the caller decides what a failure means. */
    public static ExecResult copyFromHost(DockerClient docker, String containerId, String image, Duration timeout)
            throws InterruptedException {
        return copy(docker, new ContainerExec(docker), containerId, image, timeout);
    }

    private static ExecResult copy(DockerClient docker, ContainerExec exec, String containerId, String image,
            Duration timeout) throws InterruptedException {
        try (InputStream save = docker.saveImageCmd(image).exec(); InputStream framed = framed(save)) {
            return exec.runWithInput(containerId, List.of("sh", "-c", UNFRAME), null, framed, timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + image + " from the host into " + ContainerExec.shortId(containerId), e);
        }
    }

    /** The stream in frames of at most {@link #FRAME} bytes, each after its length on a line, then "0\n". */
    static InputStream framed(InputStream in) {
        return new SequenceInputStream(new java.util.Enumeration<InputStream>() {
            private boolean done;

            @Override
            public boolean hasMoreElements() {
                return !done;
            }

            @Override
            public InputStream nextElement() {
                try {
                    byte[] chunk = in.readNBytes(FRAME);
                    if (chunk.length == 0) {
                        done = true;
                        return new ByteArrayInputStream("0\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    byte[] head = (chunk.length + "\n").getBytes(StandardCharsets.US_ASCII);
                    return new SequenceInputStream(new ByteArrayInputStream(head), new ByteArrayInputStream(chunk));
                } catch (IOException e) {
                    throw new UncheckedIOException("reading the image archive from the host", e);
                }
            }
        });
    }
}
