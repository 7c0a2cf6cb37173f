package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.TtyExecOutputErrorable;
import io.jenkins.plugins.syscontainer.engine.AgentChannel;
import io.jenkins.plugins.syscontainer.engine.AgentStream;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * An agent's channel through the API server's {@code pods/exec} (a WebSocket per command). Kubernetes has no exec
 * user, so a command for another user than the container's runs under {@code runuser -u USER --} (util-linux, in
 * the agent image). Input is size-delimited as on Docker: the commands read exactly the bytes they are told of.
 */
final class ExecChannel implements AgentChannel {
    private final KubernetesClient client;
    private final String namespace;
    private final String pod;

    ExecChannel(KubernetesClient client, String namespace, String pod) {
        this.client = client;
        this.namespace = namespace;
        this.pod = pod;
    }

    /** The real exec: every pod's channel goes through the client's API server. */
    static PodExec over(KubernetesClient client) {
        return (ns, pod) -> new ExecChannel(client, ns, pod);
    }

    static List<String> asUser(String user, List<String> command) {
        if (user == null || user.isEmpty() || user.equals("root") || user.equals("0")) {
            return command;
        }
        List<String> c = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        c.addAll(command);
        return c;
    }

    private TtyExecOutputErrorable exec(boolean stdin) {
        var r = client.pods().inNamespace(namespace).withName(pod).inContainer(KubeNames.AGENT_CONTAINER);
        return stdin ? r.redirectingInput() : r;
    }

    @Override
    public ExecResult run(List<String> command, String user, byte[] stdin, Duration timeout) throws InterruptedException {
        return run(command, user, stdin == null ? null : new ByteArrayInputStream(stdin), timeout);
    }

    @Override
    public ExecResult run(List<String> command, String user, InputStream stdin, Duration timeout)
            throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> cmd = asUser(user, command);
        try (ExecWatch w = exec(stdin != null).writingOutput(out).writingError(err).exec(cmd.toArray(String[]::new))) {
            if (stdin != null) {
                try (OutputStream in = w.getInput()) {
                    stdin.transferTo(in); // the command reads exactly these bytes (size-delimited input)
                } catch (IOException e) {
                    throw new IllegalStateException("sending input to " + command + " in pod " + pod + " failed", e);
                }
            }
            Integer code = w.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new ExecResult(code == null ? -1 : code, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            throw new ExecResult.TimeoutException("exec of " + command + " in pod " + pod + " did not finish within "
                    + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException("exec of " + command + " in pod " + pod + " failed: " + e.getCause(),
                    e.getCause());
        }
    }

    @Override
    public void putFile(String path, byte[] content, String mode, String user, Duration timeout)
            throws InterruptedException {
        // Written under a temporary name, its size checked, then renamed; private (umask 077) until the mode is set.
        String script = "set -e; umask 077; mkdir -p \"$(dirname \"$1\")\"; t=\"$1.part.$$\"; head -c \"$2\" > \"$t\"; "
                + "n=$(wc -c < \"$t\"); if [ \"$n\" -ne \"$2\" ]; then rm -f \"$t\"; "
                + "echo \"short write: $n of $2 bytes\" >&2; exit 3; fi; chmod \"$3\" \"$t\"; mv -f \"$t\" \"$1\"";
        ExecResult r = run(List.of("sh", "-c", script, "put-file", path, String.valueOf(content.length), mode), user,
                content, timeout);
        if (!r.ok()) {
            throw new IllegalStateException("writing " + path + " (" + content.length + " bytes) into pod " + pod
                    + " failed with exit code " + r.exitCode() + ": " + r.stderr().strip());
        }
    }

    @Override
    public void startDetached(List<String> command, String user, Duration timeout) throws InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "setsid \"$@\" </dev/null >/dev/null 2>&1 &", "detach"));
        cmd.addAll(asUser(user, command));
        ExecResult r = run(cmd, null, (byte[]) null, timeout);
        if (!r.ok()) {
            throw new IllegalStateException("starting " + command + " in pod " + pod + " failed: " + r.stderr());
        }
    }

    @Override
    public AgentStream open(List<String> command, String user, Consumer<byte[]> stderr) {
        OutputStream err = new OutputStream() {
            @Override
            public void write(int b) {
                stderr.accept(new byte[] {(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) {
                stderr.accept(java.util.Arrays.copyOfRange(b, off, off + len));
            }
        };
        ExecWatch w = client.pods().inNamespace(namespace).withName(pod).inContainer(KubeNames.AGENT_CONTAINER)
                .redirectingInput().redirectingOutput().writingError(err)
                .exec(asUser(user, command).toArray(String[]::new));
        return new AgentStream() {
            @Override
            public OutputStream stdin() {
                return w.getInput();
            }

            @Override
            public InputStream stdout() {
                return w.getOutput();
            }

            @Override
            public Integer awaitExit(Duration timeout) throws InterruptedException {
                try {
                    return w.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    return null;
                } catch (ExecutionException e) {
                    return -1;
                }
            }

            @Override
            public void close() throws IOException {
                w.close();
            }
        };
    }
}
