package io.jenkins.plugins.syscontainer.agent;

import hudson.remoting.Channel;
import hudson.remoting.Which;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.AgentChannel;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;

/**
 * The controller's own agent jar, streamed into the container through an exec. The agent then always speaks the
 * controller's remoting version, and the image needs no agent jar of its own (nor a download from the controller).
 */
final class RemotingJar {
    private RemotingJar() {
    }

    /**
     * Copies the jar to {@code <remoteFs>/remoting.jar}, owned by the agent user, and returns that path; says so in
     * {@code log} unless it is null.
     */
    static String copyInto(AgentChannel channel, String containerId, String remoteFs, PrintStream log)
            throws IOException, InterruptedException {
        String jarPath = remoteFs + "/remoting.jar";
        long t = System.nanoTime();
        byte[] jar = Files.readAllBytes(Which.jarFile(Channel.class).toPath());
        channel.putFile(jarPath, jar, "0644", AttachLauncher.AGENT_USER, Duration.ofSeconds(60));
        if (log != null) {
            log.printf("[system-container] remoting.jar (%d KiB) copied into %s in %d ms%n", jar.length / 1024,
                    containerId.substring(0, Math.min(12, containerId.length())), (System.nanoTime() - t) / 1_000_000);
        }
        return jarPath;
    }

    /**
     * Reports a launch that failed: the reason, then the container's last log lines and the inner dockerd's log tail;
     * the computer is marked abnormal so that its cache volume is quarantined rather than handed out again.
     */
    static IOException launchFailed(SystemContainerAgent agent, AgentHandle c, hudson.model.Computer computer,
            PrintStream log, String reason, Throwable cause) {
        if (computer instanceof SystemContainerComputer sc) {
            sc.markAbnormal();
        }
        log.println("[system-container] the agent did not connect: " + reason);
        AgentBackend backend = AgentEngines.get().backend(agent.getCloudId());
        if (backend != null) {
            log.println(backend.diagnostics(c));
        }
        return new IOException("launching " + agent.getNodeName() + " failed: " + reason, cause);
    }
}
