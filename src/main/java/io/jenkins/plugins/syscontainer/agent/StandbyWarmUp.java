package io.jenkins.plugins.syscontainer.agent;

import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Computer;
import hudson.model.TaskListener;
import hudson.slaves.ComputerListener;
import hudson.util.StreamTaskListener;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.SystemProperties;

/**
 * Warms a standby agent's JVM while it waits, so that its build does not pay for it. A fresh agent JVM knows none of
 * the classes a build sends it (reading its environment, making a workspace, writing a script, launching a process):
 * it fetches each from the controller on first use, one round trip per class over the agent's channel, on the
 * build's path. Measured side by side (docs/performance.md): the same build on a plain agent JVM took 458 ms from
 * "Build Now" to its first shell line when the agent was fresh and 23 ms when it had run a build before. Here the
 * agent does that work once while idle: its environment read, a folder made in its root with a script written in
 * it, and a shell started with that environment, as a build's first steps would. Nothing of it is left for the
 * build: no file, no process, no environment. Off with
 * {@code -Dio.jenkins.plugins.syscontainer.agent.StandbyWarmUp.enabled=false}.
 */
@Extension
public class StandbyWarmUp extends ComputerListener {
    private static final Logger LOG = Logger.getLogger(StandbyWarmUp.class.getName());

    @Override
    public void onOnline(Computer c, TaskListener listener) {
        if (c instanceof SystemContainerComputer sc && sc.getNode() instanceof SystemContainerAgent a && a.isInStandbyPool()) {
            if (!SystemProperties.getBoolean(StandbyWarmUp.class.getName() + ".enabled", true)) {
                sc.markWarmedUp();
                return;
            }
            Computer.threadPoolForRemoting.submit(() -> {
                try {
                    warm(sc, a, listener);
                } finally {
                    sc.markWarmedUp();
                }
            });
        }
    }

    private static void warm(SystemContainerComputer computer, SystemContainerAgent agent, TaskListener listener) {
        long t0 = System.nanoTime();
        try {
            FilePath root = agent.getRootPath();
            if (root == null) {
                return; // gone offline meanwhile
            }
            EnvVars env = computer.getEnvironment();
            FilePath dir = root.child("sca-warm-up");
            dir.mkdirs();
            try {
                FilePath script = dir.createTextTempFile("sca-warm-up", ".sh", "true\n", false);
                Launcher launcher = agent.createLauncher(new StreamTaskListener(OutputStream.nullOutputStream(),
                        StandardCharsets.UTF_8));
                launcher.launch().cmds("sh", "-xe", script.getRemote()).envs(env)
                        .stdout(OutputStream.nullOutputStream()).pwd(dir).join();
            } finally {
                dir.deleteRecursive();
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            listener.getLogger().println("[system-container] standby agent warmed up for its build in " + ms + " ms");
            LOG.fine(() -> "standby agent " + agent.getNodeName() + " warmed up in " + ms + " ms");
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.FINE, "standby agent " + agent.getNodeName() + ": warm-up skipped", e);
        }
    }
}
