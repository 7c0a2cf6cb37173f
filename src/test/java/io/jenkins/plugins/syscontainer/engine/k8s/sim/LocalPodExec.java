package io.jenkins.plugins.syscontainer.engine.k8s.sim;

import io.jenkins.plugins.syscontainer.engine.AgentChannel;
import io.jenkins.plugins.syscontainer.engine.AgentStream;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.k8s.PodExec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one fake on the agent's side of the Jenkins test: the mock API server has no kubelet, so nothing runs "in" a
 * pod. Here every pod's channel runs its commands as local processes of the test's machine ({@code java} is the test
 * JVM's), so the launcher, the remoting jar, the agent and the build are real, and only the exec transport is not.
 * The API server's exec ({@code ExecChannel}) is not tested here at all: the mock's CRUD mode has no exec.
 */
public final class LocalPodExec implements PodExec {
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    public final List<String> pods = new CopyOnWriteArrayList<>();

    @Override
    public AgentChannel channel(String namespace, String pod) {
        pods.add(pod);
        return new Channel();
    }

    /** Kills what the pods' "containers" still run. */
    public void killAll() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private Process start(List<String> command) {
        List<String> c = new ArrayList<>(command);
        if (c.get(0).equals("java")) {
            c.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        try {
            Process p = new ProcessBuilder(c).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
    }

    private final class Channel implements AgentChannel {
        @Override
        public ExecResult run(List<String> command, String user, byte[] stdin, Duration timeout)
                throws InterruptedException {
            return run(command, user, stdin == null ? null : new ByteArrayInputStream(stdin), timeout);
        }

        @Override
        public ExecResult run(List<String> command, String user, InputStream stdin, Duration timeout)
                throws InterruptedException {
            Process p = start(command);
            try {
                try (OutputStream in = p.getOutputStream()) {
                    if (stdin != null) {
                        stdin.transferTo(in);
                    }
                }
                byte[][] out = new byte[2][];
                Thread err = new Thread(() -> out[1] = readAll(p.getErrorStream()));
                err.start();
                out[0] = readAll(p.getInputStream());
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new ExecResult.TimeoutException(command + " did not finish in time");
                }
                err.join();
                return new ExecResult(p.exitValue(), new String(out[0], StandardCharsets.UTF_8),
                        new String(out[1], StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                processes.remove(p);
            }
        }

        private static byte[] readAll(InputStream in) {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }

        @Override
        public void putFile(String path, byte[] content, String mode, String user, Duration timeout) {
            try {
                Path target = Path.of(path);
                Files.createDirectories(target.getParent());
                Path tmp = Files.createTempFile(target.getParent(), ".put", ".part");
                Files.write(tmp, content);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("writing " + path, e);
            }
        }

        @Override
        public void startDetached(List<String> command, String user, Duration timeout) {
            start(command);
        }

        @Override
        public AgentStream open(List<String> command, String user, Consumer<byte[]> stderr) {
            Process p = start(command);
            Thread err = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (InputStream in = p.getErrorStream()) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        stderr.accept(java.util.Arrays.copyOf(buf, n));
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "local pod stderr");
            err.setDaemon(true);
            err.start();
            return new AgentStream() {
                @Override
                public OutputStream stdin() {
                    return p.getOutputStream();
                }

                @Override
                public InputStream stdout() {
                    return p.getInputStream();
                }

                @Override
                public Integer awaitExit(Duration timeout) throws InterruptedException {
                    return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : null;
                }

                @Override
                public void close() {
                    p.destroy();
                }
            };
        }
    }
}
