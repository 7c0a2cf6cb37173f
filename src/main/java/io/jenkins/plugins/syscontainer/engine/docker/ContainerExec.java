package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion inside a running container through the Docker exec API and collects its output.
 *
 * <p>Docker does not deliver EOF to the process when an attached stdin stream is closed, so input is always
 * size-delimited: a command that reads stdin must stop after {@code stdin.length} bytes (for example by reading
 * through {@code head -c N}); {@link io.jenkins.plugins.syscontainer.engine.AgentChannel#shellWithInput} builds such a
 * command.
 */
public final class ContainerExec {
    private final DockerClient docker;
    private final DockerClient stream;

    public ContainerExec(DockerClient docker) {
        this(docker, docker);
    }

    /**
     * @param stream the client the attached exec runs on: a host's streaming client for execs that may stay silent
     *     longer than the API client's idle timeout (the wait is then bounded by the caller's timeout only)
     */
    public ContainerExec(DockerClient docker, DockerClient stream) {
        this.docker = docker;
        this.stream = stream;
    }

    /** For long, silent execs on a host: create and inspect on its API client, the attached stream on its streaming client. */
    public static ContainerExec longRunning(ManagedHost host) {
        return new ContainerExec(host.api(), host.streaming());
    }

    /** Runs {@code command} as {@code user} (null: the image's user) and waits at most {@code timeout}. */
    public ExecResult run(String containerId, List<String> command, String user, byte[] stdin, Duration timeout)
            throws InterruptedException {
        return runWithInput(containerId, command, user, stdin == null ? null : new ByteArrayInputStream(stdin), timeout);
    }

    /** Runs {@code command} with no input as the image's user. */
    public ExecResult run(String containerId, List<String> command, Duration timeout) throws InterruptedException {
        return runWithInput(containerId, command, null, null, timeout);
    }

    /** As {@link #run(String, List, String, byte[], Duration)}, streaming stdin (which the command must size-delimit). */
    public ExecResult runWithInput(String containerId, List<String> command, String user, java.io.InputStream stdin,
            Duration timeout) throws InterruptedException {
        ExecCreateCmdResponse exec = docker.execCreateCmd(containerId)
                .withCmd(command.toArray(String[]::new))
                .withUser(user)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withAttachStdin(stdin != null)
                .exec();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var start = stream.execStartCmd(exec.getId());
        if (stdin != null) {
            start.withStdIn(stdin);
        }
        try (ResultCallback.Adapter<Frame> cb = start.exec(new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                (frame.getStreamType() == StreamType.STDERR ? err : out).writeBytes(frame.getPayload());
            }
        })) {
            if (!cb.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ExecResult.TimeoutException("exec of " + command + " in " + shortId(containerId)
                        + " did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Long code = docker.inspectExecCmd(exec.getId()).exec().getExitCodeLong();
        return new ExecResult(code == null ? -1 : code.intValue(),
                out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Starts {@code command} as {@code user} and returns at once; the process outlives the call (no output kept). */
    public void startDetached(String containerId, List<String> command, String user, Duration timeout)
            throws InterruptedException {
        String execId = docker.execCreateCmd(containerId).withCmd(command.toArray(String[]::new)).withUser(user)
                .withAttachStdout(false).withAttachStderr(false).exec().getId();
        try (ResultCallback.Adapter<Frame> cb = docker.execStartCmd(execId).withDetach(true)
                .exec(new ResultCallback.Adapter<>())) {
            if (!cb.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ExecResult.TimeoutException("starting " + command + " in " + shortId(containerId)
                        + " took longer than " + timeout.toSeconds() + " s");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code content} to {@code path} in the container by streaming it through an exec (not {@code docker cp},
     * whose ownership handling breaks under Sysbox). The file is written under a temporary name, its size checked,
     * then renamed, so a reader never sees half a file. It is private (umask 077) until {@code mode} is applied, so a
     * secret written with mode 0600 is never readable by others, not even briefly.
     */
    public void putFile(String containerId, String path, byte[] content, String mode, String user, Duration timeout)
            throws InterruptedException {
        String script = "set -e; umask 077; d=$(dirname \"$1\"); mkdir -p \"$d\"; t=\"$1.part.$$\"; head -c \"$2\" > \"$t\"; "
                + "n=$(wc -c < \"$t\"); if [ \"$n\" -ne \"$2\" ]; then rm -f \"$t\"; "
                + "echo \"short write: $n of $2 bytes\" >&2; exit 3; fi; chmod \"$3\" \"$t\"; mv -f \"$t\" \"$1\"";
        ExecResult r = run(containerId, List.of("sh", "-c", script, "put-file", path, String.valueOf(content.length), mode),
                user, content, timeout);
        if (!r.ok()) {
            throw new IllegalStateException("writing " + path + " (" + content.length + " bytes) into "
                    + shortId(containerId) + " failed with exit code " + r.exitCode() + ": " + r.stderr().strip());
        }
    }

    public static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
