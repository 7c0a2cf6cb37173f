package io.jenkins.plugins.syscontainer;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Node;
import hudson.model.Slave;
import hudson.model.TaskListener;
import hudson.slaves.AbstractCloudComputer;
import hudson.slaves.AbstractCloudSlave;
import hudson.slaves.CloudRetentionStrategy;
import io.jenkins.plugins.syscontainer.engine.AgentContainer;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.SystemContainerEngine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * A Jenkins agent living in a system container. It remembers where its container is (host, id, cache volume) so that
 * it can be terminated, with its cache lease released, even after a controller restart. It is deliberately not an
 * EphemeralNode: it is saved with Jenkins' nodes, so that after a restart the agent (and a pipeline step running on it)
 * finds its still-running container again and the launcher re-attaches.
 */
public class SystemContainerAgent extends AbstractCloudSlave {
    private static final long serialVersionUID = 1L;

    private final String cloudName;
    /** The id that scopes the cloud's Docker objects (null on agents saved before clouds had ids: the name was). */
    private final String cloudId;
    private final String templateName;
    /** The unique label of the step's one-off template this agent serves, or null for an ordinary agent. */
    private final String stepLabel;
    private final String hostName;
    private final String containerId;
    private final String cacheVolume;
    private final List<String> provisioningLog;
    /** A build was taken (one-shot agents take no other); saved with the node so a restart keeps it. */
    private volatile boolean used;
    /** The URL of the task it took (a pipeline's run, a job): the only task it takes back after a restart. */
    private volatile String usedBy;
    private transient AgentContainer container;
    /** For the start timings: when its build entered the queue, how long the inner Docker took, whether warm. */
    private transient long queuedSinceMs = -1;
    private transient long readyAtMs = -1;
    private transient long innerDockerReadyMs = -1;
    private transient boolean warm;

    SystemContainerAgent(String name, AgentTemplate t, SystemContainerCloud cloud, String stepLabel, AgentContainer c,
            List<String> log) throws Descriptor.FormException, IOException {
        super(name, t.getRemoteFs(), t.newLauncher(cloud.controllerUrl()));
        this.cloudName = cloud.name;
        this.cloudId = cloud.getCloudId();
        this.templateName = t.getName();
        this.stepLabel = stepLabel;
        this.hostName = c.hostName();
        this.containerId = c.containerId();
        this.cacheVolume = c.cacheVolume();
        this.provisioningLog = new ArrayList<>(log);
        this.container = c;
        setNumExecutors(t.getNumExecutors());
        setMode(t.getMode());
        // A step's agent answers to its unique label only: no other build may take it.
        setLabelString(stepLabel != null ? stepLabel : (t.getLabelString() + " " + t.getName()).trim());
        setNodeDescription("System container " + shortId() + " on host " + hostName + " (template " + templateName + ")");
        setRetentionStrategy(t.getIdleMinutes() == 0 ? new OneShotRetention() : new CloudRetentionStrategy(t.getIdleMinutes()));
    }

    /** After a restart the start is not timed again (a reconnect is not a start). */
    @Override
    protected Object readResolve() {
        queuedSinceMs = -1;
        readyAtMs = -1;
        innerDockerReadyMs = -1;
        return super.readResolve();
    }

    /** What the start timings need, known when the container is ready (not saved: a restart starts them anew). */
    void startedFrom(long queuedSince, AgentContainer c) {
        queuedSinceMs = queuedSince;
        readyAtMs = System.currentTimeMillis();
        for (io.jenkins.plugins.syscontainer.engine.ProvisioningEvent e : c.timings()) {
            if (e.step() == io.jenkins.plugins.syscontainer.engine.ProvisioningEvent.Step.INNER_DOCKER_READY) {
                innerDockerReadyMs = e.duration().toMillis();
            } else if (e.step() == io.jenkins.plugins.syscontainer.engine.ProvisioningEvent.Step.VOLUME_LEASED) {
                warm = e.detail() != null && e.detail().endsWith("(reused)");
            }
        }
    }

    /** The start sample once the agent is online, or null when this agent's start was not timed (after a restart). */
    io.jenkins.plugins.syscontainer.engine.StartTimings.Sample startSample(long onlineAtMs) {
        if (readyAtMs < 0) {
            return null;
        }
        return new io.jenkins.plugins.syscontainer.engine.StartTimings.Sample(java.time.Instant.ofEpochMilli(onlineAtMs),
                queuedSinceMs < 0 ? -1 : onlineAtMs - queuedSinceMs, innerDockerReadyMs, onlineAtMs - readyAtMs, warm);
    }

    /** Its start was recorded: a later reconnect is not another start. */
    void startRecorded() {
        readyAtMs = -1;
    }

    /** The agents of one cloud (by its id) that Jenkins has now. */
    static List<SystemContainerAgent> all(String cloudId) {
        List<SystemContainerAgent> out = new ArrayList<>();
        for (Node n : Jenkins.get().getNodes()) {
            if (n instanceof SystemContainerAgent a && a.getCloudId().equals(cloudId)) {
                out.add(a);
            }
        }
        return out;
    }

    /** The cloud this agent belongs to, found by its id (renames do not matter), or null once it was deleted. */
    SystemContainerCloud cloud() {
        return SystemContainerCloud.byId(getCloudId());
    }

    /**
     * The engine's handle, rebuilt from Docker's labels after a restart or after the cloud's engine was replaced by a
     * configuration change (a handle of the old engine would release its lease and slot there); null when the
     * container is gone.
     */
    synchronized AgentContainer container() {
        SystemContainerCloud c = cloud();
        if (c == null) {
            return container;
        }
        try {
            SystemContainerEngine engine = c.engine();
            if (container == null || container.host() != engine.host(hostName)) {
                container = engine.reattach(hostName, new AgentIdentity(SystemContainerCloud.scope(getCloudId()),
                        c.name, templateName, getNodeName()));
            }
        } catch (IllegalArgumentException e) {
            container = null; // the host was removed from the cloud: the reaper of that host's new owner, if any, cleans up
        }
        return container;
    }

    boolean isUsed() {
        return used;
    }

    String getUsedBy() {
        return usedBy;
    }

    void markUsed(String taskUrl) {
        if (!used) {
            used = true;
            usedBy = taskUrl;
            persist("took its build; after a restart it could take another");
        }
    }

    private void persist(String what) {
        try {
            Jenkins.get().updateNode(this);
        } catch (IOException e) {
            java.util.logging.Logger.getLogger(SystemContainerAgent.class.getName()).log(java.util.logging.Level.WARNING,
                    "could not save that " + getNodeName() + " " + what, e);
        }
    }

    /** The agent a launcher is asked to connect; only system container agents can be. */
    static SystemContainerAgent of(hudson.slaves.SlaveComputer computer) throws IOException {
        if (computer.getNode() instanceof SystemContainerAgent agent) {
            return agent;
        }
        throw new IOException("this launcher only launches system container agents, not " + computer.getName());
    }

    /** {@link #container()}, or an error saying the container is gone. */
    AgentContainer requireContainer() throws IOException {
        AgentContainer c = container();
        if (c == null) {
            throw new IOException("the container " + shortId() + " of " + getNodeName() + " no longer exists");
        }
        return c;
    }

    @Override
    public AbstractCloudComputer createComputer() {
        return new SystemContainerComputer(this);
    }

    /**
     * Removes the container and releases its cache lease on a pool thread, and returns at once: Jenkins calls this
     * under its queue lock (idle retention) and from request threads (deleting the agent), where no Docker call, and
     * no wait for an engine still recovering its state, may happen. Jenkins removes the node when this returns; should
     * the container outlive a failure here, the reaper removes it after its grace period.
     */
    @Override
    protected void _terminate(TaskListener listener) {
        String name = getNodeName();
        boolean abnormal = toComputer() instanceof SystemContainerComputer sc && sc.isAbnormal();
        Runnable work = () -> {
            try {
                terminateContainer(listener, abnormal);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                listener.getLogger().println("[system-container] could not remove the container of " + name + ": "
                        + e.getMessage() + "; the reaper removes it after its grace period");
            }
        };
        TERMINATIONS.add(name);
        hudson.model.Computer.threadPoolForRemoting.submit(() -> {
            try {
                work.run();
            } finally {
                TERMINATIONS.remove(name);
            }
        });
    }

    /** Agents whose container is being removed now (their node is already gone from Jenkins). */
    static final java.util.Set<String> TERMINATIONS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void terminateContainer(TaskListener listener, boolean abnormal) throws InterruptedException {
        SystemContainerCloud c = cloud();
        AgentContainer handle = container();
        if (c == null || handle == null) {
            listener.getLogger().println("[system-container] container " + shortId() + " of " + getNodeName()
                    + " is already gone (or its cloud " + getCloudName() + " was removed); the reaper covers leftovers");
            return;
        }
        SystemContainerEngine engine = c.engine();
        ProvisionLog log = ProvisionLog.toStream(listener.getLogger());
        engine.terminate(handle, abnormal, log::event);
    }

    public String getCloudName() {
        SystemContainerCloud c = cloud();
        return c != null ? c.name : cloudName;
    }

    public String getCloudId() {
        return cloudId != null ? cloudId : cloudName;
    }

    public String getStepLabel() {
        return stepLabel;
    }

    /** Terminates this agent on a pool thread (never blocking the caller), saying why in the Jenkins log. */
    void terminateLater(String why) {
        java.util.logging.Logger.getLogger(SystemContainerAgent.class.getName()).fine(() -> "terminating "
                + getNodeName() + ": " + why);
        hudson.model.Computer.threadPoolForRemoting.submit(() -> {
            try {
                terminate();
            } catch (IOException | InterruptedException | RuntimeException e) {
                java.util.logging.Logger.getLogger(SystemContainerAgent.class.getName()).log(java.util.logging.Level.WARNING,
                        "terminating " + getNodeName() + " failed; the reaper removes its container", e);
            }
        });
    }

    public String getTemplateName() {
        return templateName;
    }

    public String getHostName() {
        return hostName;
    }

    public String getContainerId() {
        return containerId;
    }

    public String getCacheVolume() {
        return cacheVolume;
    }

    /** The provisioning steps with their durations, for the agent's page. */
    public List<String> getProvisioningLog() {
        return provisioningLog == null ? List.of() : provisioningLog;
    }

    String shortId() {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }

    @Extension
    public static final class DescriptorImpl extends Slave.SlaveDescriptor {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.SystemContainerAgent_DisplayName();
        }

        @Override
        public boolean isInstantiable() {
            return false;
        }
    }
}
