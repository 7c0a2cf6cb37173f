package io.jenkins.plugins.syscontainer.agent;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.TaskListener;
import hudson.slaves.ComputerLauncher;
import hudson.slaves.JNLPLauncher;
import hudson.slaves.SlaveComputer;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.InboundAgentStart;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * The inbound option: the agent inside the container connects to the controller over WebSocket (through the
 * controller's HTTP port, no TCP agent port). Jenkins accepts an inbound connection only for agents whose launcher is
 * a {@link JNLPLauncher}, hence the base class; unlike it, this launcher starts the agent itself. The connection
 * secret reaches the agent as a 0600 file written through an exec's stdin (see {@link InboundAgentStart}) and is
 * deleted once the agent is online. The container needs a network route to the controller's URL.
 */
public class InboundWebSocketLauncher extends JNLPLauncher {
    private final String url;
    private final int timeoutSeconds;

    public InboundWebSocketLauncher(String url, int timeoutSeconds) {
        this.url = url;
        this.timeoutSeconds = timeoutSeconds <= 0 ? AttachLauncher.DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
        setWebSocket(true);
    }

    public String getUrl() {
        return url;
    }

    public int getTimeoutSeconds() {
        return timeoutSeconds;
    }

    @Override
    public boolean isLaunchSupported() {
        return true;
    }

    /** JNLPLauncher's launch throws no checked exception; failures are rethrown unchecked, with the cause. */
    @Override
    public void launch(SlaveComputer computer, TaskListener listener) {
        try {
            start(computer, listener.getLogger());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while launching " + computer.getName(), e);
        }
    }

    private void start(SlaveComputer computer, PrintStream log) throws IOException, InterruptedException {
        if (computer.getChannel() != null) {
            log.println("[system-container] the agent is already connected");
            return;
        }
        SystemContainerAgent agent = SystemContainerAgent.of(computer);
        AgentHandle c = agent.requireContainer();
        if (url == null || url.isBlank()) {
            throw new IOException("no controller URL for the inbound agent: set the cloud's 'Jenkins URL' or Jenkins'"
                    + " own URL (Manage Jenkins » System)");
        }
        long t = System.nanoTime();
        String remoteFs = agent.getRemoteFS();
        InboundAgentStart.Paths paths = InboundAgentStart.Paths.under(remoteFs);
        InboundAgentStart start = new InboundAgentStart(c.channel(), AttachLauncher.AGENT_USER, paths);
        start.stop(Duration.ofSeconds(30)); // a process of an earlier launch (before a restart, say) must not dial in
        RemotingJar.copyInto(c.channel(), c.containerId(), remoteFs, log);
        start.start(InboundAgentStart.command(List.of("java"), paths, url, computer.getName(), remoteFs),
                computer.getJnlpMac(), Duration.ofSeconds(60));
        log.println("[system-container] inbound agent started, connecting over WebSocket to " + url);
        long deadline = t + timeoutSeconds * 1_000_000_000L;
        while (computer.getChannel() == null) { // not isOnline(): a temporarily offline agent is connected too
            if (System.nanoTime() > deadline) {
                log.println("[system-container] agent output (" + paths.log() + "):");
                log.println(start.logTail(40, Duration.ofSeconds(10)));
                start.stop(Duration.ofSeconds(30));
                throw RemotingJar.launchFailed(agent, c, computer, log, "no connection within " + timeoutSeconds
                        + " s (can the container reach " + url + "? is WebSocket allowed by a reverse proxy?)", null);
            }
            Thread.sleep(250);
        }
        start.removeSecret(Duration.ofSeconds(30));
        log.printf("[system-container] agent connected over WebSocket in %d ms%n", (System.nanoTime() - t) / 1_000_000);
    }

    /**
     * The URL an inbound agent dials: the cloud's setting, else the {@code jenkins.agent.inboundUrl} system property
     * (as Jenkins' own inbound agents use), else Jenkins' root URL; null if none is set.
     */
    public static String controllerUrl(String configured, String property, String rootUrl) {
        for (String u : new String[] {configured, property, rootUrl}) {
            if (u != null && !u.isBlank()) {
                return u.trim();
            }
        }
        return null;
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<ComputerLauncher> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.InboundWebSocketLauncher_DisplayName();
        }
    }
}
