package io.jenkins.plugins.syscontainer.engine.docker;

import io.jenkins.plugins.syscontainer.engine.AgentChannel;
import io.jenkins.plugins.syscontainer.engine.AgentStream;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * An agent's channel on a Docker host: commands are execs; short ones on the host's API client, silent or long-lived
 * ones (a file being written, the agent's remoting stream) on its streaming client, bounded by the caller's timeout.
 */
final class DockerChannel implements AgentChannel {
    private final ManagedHost host;
    private final String containerId;

    DockerChannel(ManagedHost host, String containerId) {
        this.host = host;
        this.containerId = containerId;
    }

    @Override
    public ExecResult run(List<String> command, String user, byte[] stdin, Duration timeout) throws InterruptedException {
        return ContainerExec.longRunning(host).run(containerId, command, user, stdin, timeout);
    }

    @Override
    public ExecResult run(List<String> command, String user, InputStream stdin, Duration timeout)
            throws InterruptedException {
        return ContainerExec.longRunning(host).runWithInput(containerId, command, user, stdin, timeout);
    }

    @Override
    public void putFile(String path, byte[] content, String mode, String user, Duration timeout)
            throws InterruptedException {
        ContainerExec.longRunning(host).putFile(containerId, path, content, mode, user, timeout);
    }

    @Override
    public void startDetached(List<String> command, String user, Duration timeout) throws InterruptedException {
        new ContainerExec(host.api()).startDetached(containerId, command, user, timeout);
    }

    @Override
    public AgentStream open(List<String> command, String user, Consumer<byte[]> stderr) {
        return ExecStream.open(host.streaming(), containerId, command, user, stderr);
    }
}
