package io.jenkins.plugins.syscontainer.agent;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Computer;
import hudson.model.Descriptor;
import hudson.model.Node;
import hudson.model.Slave;
import hudson.model.TaskListener;
import hudson.slaves.AbstractCloudComputer;
import hudson.slaves.AbstractCloudSlave;
import hudson.slaves.ComputerLauncher;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.StartTimings;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * A Jenkins agent living in a system container. It remembers where its container is (host, id, cache volume) so that
 * it can be terminated, with its cache lease released, even after a controller restart. It is deliberately not an
 * EphemeralNode: it is saved with Jenkins' nodes, so that after a restart the agent (and a pipeline step running on it)
 * finds its still-running container again and the launcher re-attaches.
 */
public class SystemContainerAgent extends AbstractCloudSlave {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(SystemContainerAgent.class.getName());

    private final String cloudName;
    /** The id that scopes the cloud's Docker objects (null on agents saved before clouds had ids: the name was). */
    private final String cloudId;
    private final String templateName;
    /**
     * The unique label of the step's one-off template this agent serves, or null for an ordinary agent. Set later
     * when a pipeline block claims a standby agent ({@link #claimFor}).
     */
    private volatile String stepLabel;
    /** Started ahead of demand for the template's standby pool (it waits idle for its one build). */
    private volatile boolean standby;
    /** The digest of the template's settings it was started from ({@code AgentTemplate.agentSettings()}). */
    private final String settings;
    /** When its container was made (saved: a standby agent's age counts across restarts). */
    private final long createdAtMs;
    private final String hostName;
    private final String containerId;
    private final String cacheVolume;
    private final List<String> provisioningLog;
    /** A build was taken (one-shot agents take no other); saved with the node so a restart keeps it. */
    private volatile boolean used;
    /** The URL of the task it took (a pipeline's run, a job): the only task it takes back after a restart. */
    private volatile String usedBy;
    /** The run it serves, as {@code Run.getExternalizableId()}, when the task belongs to one (a pipeline's node block). */
    private volatile String usedByRun;
    private transient AgentHandle container;
    /** For the start timings: when its build entered the queue, how long the inner Docker took, whether warm. */
    private transient long queuedSinceMs = -1;
    private transient long readyAtMs = -1;
    private transient long innerDockerReadyMs = -1;
    private transient boolean warm;

    /**
     * An agent for a provisioned container. The caller sets executors, mode, labels and retention from the template
     * before adding it to Jenkins.
     */
    public SystemContainerAgent(String name, String remoteFs, ComputerLauncher launcher, AgentOrigin origin,
            AgentHandle c, List<String> log) throws Descriptor.FormException, IOException {
        super(name, remoteFs, launcher);
        this.cloudName = origin.cloudName();
        this.cloudId = origin.cloudId();
        this.templateName = origin.templateName();
        this.stepLabel = origin.stepLabel();
        this.standby = origin.standby();
        this.settings = origin.settings();
        this.createdAtMs = System.currentTimeMillis();
        this.hostName = c.hostName();
        this.containerId = c.containerId();
        this.cacheVolume = c.cacheVolume();
        this.provisioningLog = new ArrayList<>(log);
        this.container = c;
        setNodeDescription("System container " + shortId() + " on host " + hostName + " (template " + templateName + ")");
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
    public void startedFrom(long queuedSince, AgentHandle c) {
        queuedSinceMs = queuedSince;
        readyAtMs = System.currentTimeMillis();
        for (ProvisioningEvent e : c.timings()) {
            if (e.step() == ProvisioningEvent.Step.INNER_DOCKER_READY) {
                innerDockerReadyMs = e.duration().toMillis();
            } else if (e.step() == ProvisioningEvent.Step.VOLUME_LEASED) {
                warm = e.detail() != null && e.detail().endsWith("(reused)");
            }
        }
    }

    /** The start sample once the agent is online, or null when this agent's start was not timed (after a restart). */
    public StartTimings.Sample startSample(long onlineAtMs) {
        if (readyAtMs < 0) {
            return null;
        }
        return new StartTimings.Sample(Instant.ofEpochMilli(onlineAtMs), queuedSinceMs < 0 ? -1 : onlineAtMs - queuedSinceMs,
                innerDockerReadyMs, onlineAtMs - readyAtMs, warm);
    }

    /** Its start was recorded: a later reconnect is not another start. */
    public void startRecorded() {
        readyAtMs = -1;
    }

    /** The agents of one cloud (by its id) that Jenkins has now. */
    public static List<SystemContainerAgent> all(String cloudId) {
        List<SystemContainerAgent> out = new ArrayList<>();
        for (Node n : Jenkins.get().getNodes()) {
            if (n instanceof SystemContainerAgent a && a.getCloudId().equals(cloudId)) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * The engine's handle, rebuilt from Docker's labels after a restart or after the cloud's engine was replaced by a
     * configuration change (a handle of the old engine would release its lease and slot there); null when the
     * container is gone, or its cloud.
     */
    synchronized AgentHandle container() {
        AgentBackend backend = AgentEngines.get().backend(getCloudId());
        if (backend == null) {
            return container;
        }
        if (container == null || !backend.owns(container)) {
            try {
                container = backend.reattach(hostName, identity());
            } catch (IllegalArgumentException e) {
                container = null; // the host was removed from the cloud: the reaper of that host's new owner cleans up
            }
        }
        return container;
    }

    AgentIdentity identity() {
        return new AgentIdentity(AgentEngines.get().scope(getCloudId()), getCloudName(), templateName, getNodeName());
    }

    public boolean isUsed() {
        return used;
    }

    public String getUsedBy() {
        return usedBy;
    }

    /** The run it serves ({@code Run.getExternalizableId()}), or null. */
    public String getUsedByRun() {
        return usedByRun;
    }

    void markUsed(String taskUrl, String runId) {
        if (!used) {
            boolean fromStandby = standby;
            used = true;
            usedBy = taskUrl;
            usedByRun = runId;
            standby = false;
            persist("took its build; after a restart it could take another");
            AgentEngines.get().tookBuild(this, fromStandby);
        }
    }

    /** Started ahead of demand and not used yet (a claimed one waits for its pipeline block's node). */
    public boolean isStandby() {
        return standby;
    }

    /** Whether it is one of its template's standby agents free for any build: standby, not claimed, not used. */
    public boolean isInStandbyPool() {
        return standby && stepLabel == null && !used;
    }

    /**
     * Hands this standby agent to a pipeline block: from now on it answers to the block's one-off label only. The
     * caller holds the queue lock (so no other build is given it meanwhile) and saves the node afterwards.
     */
    public void claimFor(String label) throws IOException {
        stepLabel = label;
        setMode(Node.Mode.EXCLUSIVE);
        setLabelString(label);
    }

    /** The digest of the template settings it was started from, or null for agents saved before it was kept. */
    public String getSettings() {
        return settings;
    }

    /** When its container was made, or 0 for agents saved before it was kept. */
    public long getCreatedAtMs() {
        return createdAtMs;
    }

    private void persist(String what) {
        try {
            Jenkins.get().updateNode(this);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not save that " + getNodeName() + " " + what, e);
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
    AgentHandle requireContainer() throws IOException {
        AgentHandle c = container();
        if (c == null) {
            throw new IOException("the container " + shortId() + " of " + getNodeName() + " no longer exists");
        }
        return c;
    }

    /** Why its container ended (exit code, OOM-killed), or null when it runs or nothing is known; may call the engine. */
    public String endReason() {
        AgentBackend backend = AgentEngines.get().backend(getCloudId());
        if (backend == null) {
            return null;
        }
        AgentHandle c = container(); // throws when the host does not answer: nothing is known then
        return c == null ? vanishedReason() : backend.endReason(c);
    }

    /** Why it is lost when its container is gone from its host (removed by hand, or with the host). */
    public String vanishedReason() {
        return "its container " + shortId() + " on host '" + hostName + "' no longer exists (removed by someone else, or"
                + " lost with its host)";
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
        boolean abnormal = false;
        if (toComputer() instanceof SystemContainerComputer sc) {
            sc.startTerminating(); // its channel closes now: that is not a lost agent
            abnormal = sc.isAbnormal();
        }
        boolean quarantine = abnormal;
        AgentEngines engines = AgentEngines.get();
        engines.terminating(name);
        engines.dropEarlyJvm(name); // never launched: its early JVM goes with the container
        Computer.threadPoolForRemoting.submit(() -> {
            try {
                terminateContainer(listener, quarantine);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                listener.getLogger().println("[system-container] could not remove the container of " + name + ": "
                        + e.getMessage() + "; the reaper removes it after its grace period");
            } finally {
                engines.terminated(name);
            }
        });
    }

    private void terminateContainer(TaskListener listener, boolean abnormal) throws InterruptedException {
        AgentBackend backend = AgentEngines.get().backend(getCloudId());
        AgentHandle handle = container();
        if (backend == null || handle == null) {
            listener.getLogger().println("[system-container] container " + shortId() + " of " + getNodeName()
                    + " is already gone (or its cloud " + getCloudName() + " was removed); the reaper covers leftovers");
            if (backend != null) {
                backend.containerGone(hostName, getNodeName()); // its lease and slot go with it
            }
            return;
        }
        backend.terminate(handle, abnormal, ProvisionLog.toStream(listener.getLogger())::event);
    }

    public String getCloudName() {
        String now = AgentEngines.get().cloudName(getCloudId());
        return now != null ? now : cloudName;
    }

    public String getCloudId() {
        return cloudId != null ? cloudId : cloudName;
    }

    public String getStepLabel() {
        return stepLabel;
    }

    /** Terminates this agent on a pool thread (never blocking the caller), saying why in the Jenkins log. */
    public void terminateLater(String why) {
        LOG.fine(() -> "terminating " + getNodeName() + ": " + why);
        if (toComputer() instanceof SystemContainerComputer sc && !sc.startTerminating()) {
            return; // under way already
        }
        Computer.threadPoolForRemoting.submit(() -> {
            try {
                terminate();
            } catch (IOException | InterruptedException | RuntimeException e) {
                LOG.log(Level.WARNING, "terminating " + getNodeName() + " failed; the reaper removes its container", e);
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
