package io.jenkins.plugins.syscontainer.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Starts an inbound (WebSocket) Jenkins agent process inside a system container, for controllers the container can
 * reach over the network. The connection secret never appears in the container's env, command or labels, nor in the
 * exec's command line: it is written through an exec's stdin into a file only the agent user can read, and the agent
 * reads it as an argument file ({@code @file}, expanded by the agent's command-line parser, args4j). The process runs
 * detached, its output appended to a log file in the container that {@link #logTail} reads back for diagnostics.
 */
public final class InboundAgentStart {
    private static final Pattern SECRET = Pattern.compile("[0-9A-Fa-f]{16,256}");

    /** Where the pieces live in the container, all under the agent's remote root. */
    public record Paths(String jar, String argsFile, String log, String pidFile) {
        public static Paths under(String remoteFs) {
            String d = remoteFs.endsWith("/") ? remoteFs.substring(0, remoteFs.length() - 1) : remoteFs;
            return new Paths(d + "/remoting.jar", d + "/.agent-secret.args", d + "/.agent-inbound.log",
                    d + "/.agent-inbound.pid");
        }
    }

    private final AgentChannel channel;
    private final String user;
    private final Paths paths;

    public InboundAgentStart(AgentChannel channel, String user, Paths paths) {
        this.channel = channel;
        this.user = user;
        this.paths = paths;
    }

    /**
     * The agent's command line: {@code java} (or {@code javaCommand}), the jar, the controller's URL, the agent's name,
     * WebSocket mode, no reconnection (a lost connection ends the process, and the launcher starts a fresh one, so
     * there is never a stale process dialling in), its work dir, and the secret's argument file. Contains no secret.
     */
    public static List<String> command(List<String> javaCommand, Paths paths, String url, String agentName,
            String workDir) {
        List<String> cmd = new ArrayList<>(javaCommand);
        cmd.addAll(List.of("-jar", paths.jar(), "-url", url, "-name", agentName, "-webSocket", "-noReconnect", "-workDir", workDir,
                "@" + paths.argsFile()));
        return cmd;
    }

    /** The argument file's content: one argument per line. Refuses anything but a hex secret (no line tricks). */
    public static byte[] secretArgs(String secret) {
        if (secret == null || !SECRET.matcher(secret).matches()) {
            throw new IllegalArgumentException("the agent secret is not a hex string");
        }
        return ("-secret\n" + secret + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes the secret file (mode 0600, owned by the agent user) and starts {@code command} detached. */
    public void start(List<String> command, String secret, Duration timeout) throws InterruptedException {
        channel.putFile(paths.argsFile(), secretArgs(secret), "0600", user, timeout);
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c",
                "log=$1; pidf=$2; shift 2; echo $$ > \"$pidf\"; exec \"$@\" >>\"$log\" 2>&1",
                "inbound-agent", paths.log(), paths.pidFile()));
        wrapped.addAll(command);
        channel.startDetached(wrapped, user, timeout);
    }

    /**
     * Stops an agent process an earlier launch started (identified by its pid file and its jar on the command line,
     * so a reused pid is left alone) and removes its secret file; a no-op when there is none.
     */
    public void stop(Duration timeout) throws InterruptedException {
        String script = "p=$(cat \"$1\" 2>/dev/null) || p=; "
                + "if [ -n \"$p\" ] && tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -qF \"$3\"; then "
                + "kill $p; for i in 1 2 3 4 5 6 7 8 9 10; do [ -d /proc/$p ] || break; sleep 0.2; done; "
                + "[ -d /proc/$p ] && kill -9 $p; fi; rm -f \"$1\" \"$2\"";
        channel.run(List.of("sh", "-c", script, "stop-agent", paths.pidFile(), paths.argsFile(), paths.jar()), user,
                (byte[]) null, timeout);
    }

    /** Removes the secret file once the agent has connected (it has read its arguments by then). */
    public void removeSecret(Duration timeout) throws InterruptedException {
        channel.run(List.of("rm", "-f", paths.argsFile()), user, (byte[]) null, timeout);
    }

    /** The last lines of the agent process's output, for a failed launch's log. */
    public String logTail(int lines, Duration timeout) {
        try {
            ExecResult r = channel.run(List.of("tail", "-n", String.valueOf(lines), paths.log()), user, (byte[]) null,
                    timeout);
            return r.ok() ? r.stdout() : "(no agent log: " + r.stderr().strip() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted while reading the agent log)";
        } catch (RuntimeException e) {
            return "(agent log unreadable: " + e.getMessage() + ")";
        }
    }
}
