package io.jenkins.plugins.syscontainer.agent;

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
 * the classes a build sends it (launching a process, writing a script, reading files): it fetches each from the
 * controller on first use, one round trip per class, on the build's path (a standby take measured 2.2 s from
 * "Build Now" to the first line of a shell step before this warm-up; its effect is not measured yet). Here the agent does that work once while idle: a file written and removed in its
 * root, and a shell started, as a build's first steps would. Nothing of it is left for the build: no file, no process,
 * no environment. Off with {@code -Dio.jenkins.plugins.syscontainer.agent.StandbyWarmUp.enabled=false}.
 */
@Extension
public class StandbyWarmUp extends ComputerListener {
    private static final Logger LOG = Logger.getLogger(StandbyWarmUp.class.getName());

    @Override
    public void onOnline(Computer c, TaskListener listener) {
        if (!SystemProperties.getBoolean(StandbyWarmUp.class.getName() + ".enabled", true)) {
            return;
        }
        if (c instanceof SystemContainerComputer sc && sc.getNode() instanceof SystemContainerAgent a && a.isInStandbyPool()) {
            Computer.threadPoolForRemoting.submit(() -> warm(a, listener));
        }
    }

    private static void warm(SystemContainerAgent agent, TaskListener listener) {
        long t0 = System.nanoTime();
        try {
            FilePath root = agent.getRootPath();
            if (root == null) {
                return; // gone offline meanwhile
            }
            FilePath tmp = root.createTextTempFile("sca-warm-up", ".sh", "true\n", false);
            try {
                Launcher launcher = agent.createLauncher(new StreamTaskListener(OutputStream.nullOutputStream(),
                        StandardCharsets.UTF_8));
                launcher.launch().cmds("sh", tmp.getRemote()).stdout(OutputStream.nullOutputStream()).pwd(root).join();
            } finally {
                tmp.delete();
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
