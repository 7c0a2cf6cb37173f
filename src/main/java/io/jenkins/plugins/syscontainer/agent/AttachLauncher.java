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
import io.jenkins.plugins.syscontainer.engine.WhileStarting;
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
 * agent needs no network route to the controller and no secret. The wait for the channel is bounded. Both usually
 * happen while the container's inner Docker is still starting ({@link #startEarly}): the launcher then takes that JVM
 * and only does the handshake.
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

    /** Off with {@code -Dio.jenkins.plugins.syscontainer.agent.AttachLauncher.startEarly=false} (to compare). */
    static boolean startEarlyEnabled() {
        return !"false".equals(System.getProperty(AttachLauncher.class.getName() + ".startEarly"));
    }

    /**
     * The work to do while an agent's container starts: copy the jar and start the agent JVM, kept for the launcher.
     * Null when turned off.
     */
    public static WhileStarting startEarly(String agentName, String remoteFs) {
        if (!startEarlyEnabled()) {
            return null;
        }
        return channel -> {
            EarlyJvm jvm = new EarlyJvm();
            AgentEngines.get().earlyJvm(agentName, jvm);
            jvm.start(channel, remoteFs);
        };
    }

    static List<String> command(String jarPath, String remoteFs) {
        return List.of("java", "-jar", jarPath, "-workDir", remoteFs);
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
        AgentStream stream = early(agent, log);
        if (stream == null) {
            String jarPath = RemotingJar.copyInto(c.channel(), c.containerId(), remoteFs, log);
            stream = c.channel().open(command(jarPath, remoteFs), AGENT_USER, bytes -> log.write(bytes, 0, bytes.length));
        }
        AgentStream s = stream;
        CompletableFuture<Void> connected = CompletableFuture.runAsync(() -> {
            try {
                computer.setChannel(s.stdout(), s.stdin(), listener, new Channel.Listener() {
                    @Override
                    public void onClosed(Channel channel, IOException cause) {
                        if (cause != null && computer instanceof SystemContainerComputer sc) {
                            sc.markAbnormal();
                        }
                        closeQuietly(s);
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

    /** The agent JVM started while the container started, if there is one and it started; null otherwise. */
    private AgentStream early(SystemContainerAgent agent, PrintStream log) throws InterruptedException {
        EarlyJvm jvm = AgentEngines.get().takeEarlyJvm(agent.getNodeName());
        if (jvm == null) {
            return null;
        }
        try {
            AgentStream s = jvm.stream().get(timeoutSeconds, TimeUnit.SECONDS);
            log.println("[system-container] agent JVM started while the inner Docker was starting: " + jvm.timings());
            jvm.attachTo(log);
            return s;
        } catch (ExecutionException | TimeoutException e) {
            jvm.drop();
            log.println("[system-container] the agent JVM started early is not usable (" + (e instanceof TimeoutException
                    ? "not started within " + timeoutSeconds + " s" : e.getCause()) + "); starting it now");
            return null;
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
