package io.jenkins.plugins.syscontainer.agent;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.TaskListener;
import hudson.remoting.Channel;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.SlaveComputer;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.AgentStream;
import java.io.IOException;
import java.io.PrintStream;
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
    public static final String AGENT_USER = "jenkins";
    /** How long a launch waits for the agent's channel when the template does not say. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 120;

    private final int timeoutSeconds;

    @DataBoundConstructor
    public AttachLauncher(int timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds <= 0 ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
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
        SystemContainerAgent agent = SystemContainerAgent.of(computer);
        AgentHandle c = agent.requireContainer();
        String remoteFs = agent.getRemoteFS();
        long t = System.nanoTime();
        String jarPath = RemotingJar.copyInto(c, remoteFs, log);
        AgentStream stream = c.channel().open(List.of("java", "-jar", jarPath, "-workDir", remoteFs), AGENT_USER,
                bytes -> log.write(bytes, 0, bytes.length));
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
            throw RemotingJar.launchFailed(agent, c, computer, log, e instanceof TimeoutException
                    ? "no channel within " + timeoutSeconds + " s" : String.valueOf(e.getCause()), e);
        }
    }

    private static void closeQuietly(AgentStream s) {
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
            return Messages.AttachLauncher_DisplayName();
        }
    }
}
