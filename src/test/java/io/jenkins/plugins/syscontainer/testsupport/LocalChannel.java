package io.jenkins.plugins.syscontainer.testsupport;

import io.jenkins.plugins.syscontainer.engine.AgentChannel;
import io.jenkins.plugins.syscontainer.engine.AgentStream;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
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
 * An in-memory agent's channel: commands run as local processes of the test's machine (paths are taken literally;
 * templates of in-memory clouds use a temporary remote FS), "java" is the test's own JVM. The agent's remoting channel
 * is then a real agent process speaking over its stdin and stdout, as it does in a container.
 */
public final class LocalChannel implements AgentChannel {
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    /** Set when the "container" ended: nothing more runs in it, as nothing can be exec'd into an exited container. */
    private volatile boolean ended;

    private static List<String> resolve(List<String> command) {
        List<String> c = new ArrayList<>(command);
        if (!c.isEmpty() && c.get(0).equals("java")) {
            c.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        return c;
    }

    private Process start(List<String> command) {
        if (ended) {
            throw new IllegalStateException("the in-memory container is not running: " + command + " cannot start");
        }
        try {
            Process p = new ProcessBuilder(resolve(command)).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
    }

    @Override
    public ExecResult run(List<String> command, String user, byte[] stdin, Duration timeout) throws InterruptedException {
        return run(command, user, stdin == null ? null : new ByteArrayInputStream(stdin), timeout);
    }

    @Override
    public ExecResult run(List<String> command, String user, InputStream stdin, Duration timeout)
            throws InterruptedException {
        Process p = start(command);
        try {
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    stdin.transferTo(in);
                }
            } else {
                p.getOutputStream().close();
            }
            byte[][] out = new byte[2][];
            Thread err = new Thread(() -> out[1] = readAll(p.getErrorStream()));
            err.start();
            out[0] = readAll(p.getInputStream());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new ExecResult.TimeoutException(command + " did not finish within " + timeout.toSeconds() + " s");
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
        }, "in-memory agent stderr");
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

    /** Kills every process started in the agent (its "container" dies). */
    public void killAll() {
        ended = true;
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        processes.clear();
    }

    boolean anyAlive() {
        return processes.stream().anyMatch(Process::isAlive);
    }
}
