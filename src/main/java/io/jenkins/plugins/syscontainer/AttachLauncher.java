package io.jenkins.plugins.syscontainer;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.TaskListener;
import hudson.remoting.Channel;
import hudson.remoting.Which;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.SlaveComputer;
import io.jenkins.plugins.syscontainer.engine.AgentContainer;
import io.jenkins.plugins.syscontainer.engine.ContainerExec;
import io.jenkins.plugins.syscontainer.engine.ExecStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * Connects the agent by attaching to its container: the controller's own remoting jar is streamed into the container
 * through an exec, then {@code java -jar} runs in a second exec whose stdin and stdout carry the remoting channel. The
 * agent needs no network route to the controller and no secret. The wait for the channel is bounded.
 */
public class AttachLauncher extends ComputerLauncher {
    static final String AGENT_USER = "jenkins";

    private final int timeoutSeconds;

    @DataBoundConstructor
    public AttachLauncher(int timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds <= 0 ? 120 : timeoutSeconds;
    }

    public int getTimeoutSeconds() {
        return timeoutSeconds;
    }

    @Override
    public boolean isLaunchSupported() {
        return true;
    }

    @Override
    public void launch(SlaveComputer computer, TaskListener listener) throws IOException, InterruptedException {
        PrintStream log = listener.getLogger();
        if (!(computer.getNode() instanceof SystemContainerAgent agent)) {
            throw new IOException("AttachLauncher only launches system container agents");
        }
        AgentContainer c = agent.container();
        if (c == null) {
            throw new IOException("the container of " + agent.getNodeName() + " no longer exists");
        }
        String remoteFs = agent.getRemoteFS();
        String jarPath = remoteFs + "/remoting.jar";
        long t = System.nanoTime();
        byte[] jar = Files.readAllBytes(Which.jarFile(Channel.class).toPath());
        new ContainerExec(c.host().api()).putFile(c.containerId(), jarPath, jar, "0644", AGENT_USER, Duration.ofSeconds(60));
        log.printf("[system-container] remoting.jar (%d KiB) copied into %s in %d ms%n", jar.length / 1024,
                agent.shortId(), (System.nanoTime() - t) / 1_000_000);
        ExecStream stream = ExecStream.open(c.host().streaming(), c.containerId(),
                List.of("java", "-jar", jarPath, "-workDir", remoteFs), AGENT_USER, bytes -> log.write(bytes, 0, bytes.length));
        CompletableFuture<Void> connected = CompletableFuture.runAsync(() -> {
            try {
                computer.setChannel(stream.stdout(), stream.stdin(), listener, new Channel.Listener() {
                    @Override
                    public void onClosed(Channel channel, IOException cause) {
                        if (cause != null && computer instanceof SystemContainerComputer sc) {
                            sc.markAbnormal();
                        }
                        closeQuietly(stream);
                    }
                });
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, hudson.model.Computer.threadPoolForRemoting);
        try {
            connected.get(timeoutSeconds, TimeUnit.SECONDS);
            log.printf("[system-container] agent connected over the exec channel in %d ms%n", (System.nanoTime() - t) / 1_000_000);
        } catch (TimeoutException | ExecutionException e) {
            connected.cancel(true);
            closeQuietly(stream);
            if (computer instanceof SystemContainerComputer sc) {
                sc.markAbnormal();
            }
            log.println("[system-container] the agent did not connect" + (e instanceof TimeoutException
                    ? " within " + timeoutSeconds + " s" : ": " + e.getCause()));
            log.println(agent.cloud() == null ? "" : agent.cloud().engine().diagnostics(c));
            throw new IOException("launching " + agent.getNodeName() + " failed", e);
        }
    }

    private static void closeQuietly(ExecStream s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<ComputerLauncher> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "Attach to the system container (exec)";
        }
    }
}
