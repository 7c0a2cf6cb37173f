package io.jenkins.plugins.syscontainer;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Label;
import hudson.model.Node;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner.PlannedNode;
import hudson.util.FormValidation;
import io.jenkins.plugins.syscontainer.engine.DockerHost;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.SystemContainerEngine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * The cloud that provisions Sysbox system containers as Jenkins agents. {@link #provision} decides from live state how
 * many agents to start and returns futures that do the work on a thread of their own. It makes no Docker call: the
 * engine's recovery of state from Docker (on first use, or after a change of hosts) runs in the background, and until
 * it is done provisioning waits for the next pass.
 */
public class SystemContainerCloud extends Cloud {
    private static final Logger LOG = Logger.getLogger(SystemContainerCloud.class.getName());
    static final TemplateSuspensions SUSPENSIONS = new TemplateSuspensions(Clock.systemUTC());

    private List<DockerHostEntry> hosts = new ArrayList<>();
    private List<AgentTemplate> templates = new ArrayList<>();
    private int maxAgents = 20;
    private String allowedRuntimes = "sysbox-runc";
    private int reaperGraceMinutes = 10;
    /** The URL inbound agents dial; empty: Jenkins' own URL. */
    private String jenkinsUrl = "";

    @DataBoundConstructor
    public SystemContainerCloud(String name) {
        super(name);
    }

    /** Fields added after a configuration was saved come back null from XStream: give them their defaults. */
    protected Object readResolve() {
        if (jenkinsUrl == null) {
            jenkinsUrl = "";
        }
        if (hosts == null) {
            hosts = new ArrayList<>();
        }
        if (templates == null) {
            templates = new ArrayList<>();
        }
        return this;
    }

    /** This cloud's engine, built from the configuration on first use and shared until the hosts change; may wait. */
    SystemContainerEngine engine() {
        return CloudEngines.get(name, engineConfig());
    }

    private CloudEngines.Config engineConfig() {
        List<DockerHost> hs = new ArrayList<>();
        for (DockerHostEntry h : hosts) {
            hs.add(h.toDockerHost(h.resolveTls()));
        }
        Jenkins j = Jenkins.get();
        return new CloudEngines.Config(scope(name), hs, getRuntimeSet(),
                j.getRootDir().toPath().resolve("system-container-agents").resolve(name + ".ledger"));
    }

    /**
     * The engine's controller id for this cloud: the controller's instance id plus the cloud's name, so that two clouds
     * of one controller never adopt, reap or evict each other's containers and cache volumes.
     */
    static String scope(String cloudName) {
        return Jenkins.get().getLegacyInstanceId() + "." + cloudName;
    }

    /** The controller URL for inbound agents of the named cloud (see {@link InboundWebSocketLauncher#controllerUrl}). */
    static String controllerUrl(String cloudName) {
        String configured = Jenkins.get().getCloud(cloudName) instanceof SystemContainerCloud c ? c.jenkinsUrl : null;
        return InboundWebSocketLauncher.controllerUrl(configured, System.getProperty("jenkins.agent.inboundUrl"),
                Jenkins.get().getRootUrl());
    }

    AgentTemplate template(String templateName) {
        for (AgentTemplate t : templates) {
            if (t.getName().equals(templateName)) {
                return t;
            }
        }
        return null;
    }

    AgentTemplate templateFor(Label label) {
        for (AgentTemplate t : templates) {
            if (t.matches(label) && SUSPENSIONS.suspension(name + "/" + t.getName()) == null) {
                return t;
            }
        }
        return null;
    }

    @Override
    public boolean canProvision(CloudState state) {
        return templateFor(state.getLabel()) != null;
    }

    @Override
    public Collection<PlannedNode> provision(CloudState state, int excessWorkload) {
        AgentTemplate t = templateFor(state.getLabel());
        if (t == null) {
            return List.of();
        }
        String problem = t.problem();
        if (problem != null) { // found before any host is asked, so also when every host is down
            AgentFactory.suspendIfFatal(name + "/" + t.getName(), FailureKind.BAD_TEMPLATE, problem, ProvisionLog.toLogger(LOG));
            return List.of();
        }
        SystemContainerEngine engine;
        try {
            engine = CloudEngines.ifReady(name, engineConfig());
        } catch (RuntimeException e) {
            LOG.warning("cloud " + name + " cannot provision: " + e.getMessage());
            return List.of();
        }
        if (engine == null) {
            LOG.fine(() -> "cloud " + name + ": the engine is still recovering its state; provisioning on the next pass");
            return List.of();
        }
        List<SystemContainerAgent> ours = SystemContainerAgent.all(name);
        int templateLive = (int) ours.stream().filter(a -> a.getTemplateName().equals(t.getName())).count()
                + AgentFactory.inFlight(name, t.getName());
        int cloudLive = ours.size() + AgentFactory.inFlight(name, null);
        int free = engine.plan(t.getEffectiveCacheKey()).candidates().stream().mapToInt(h -> h.freeSlots()).sum();
        int n = ProvisioningPlan.agentsToStart(excessWorkload, t.getNumExecutors(), cloudLive, maxAgents, templateLive,
                t.getInstanceCap(), free);
        List<PlannedNode> planned = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            planned.add(AgentFactory.plan(this, t, engine));
        }
        return planned;
    }

    public List<DockerHostEntry> getHosts() {
        return hosts;
    }

    @DataBoundSetter
    public void setHosts(List<DockerHostEntry> v) {
        hosts = v == null ? new ArrayList<>() : new ArrayList<>(v);
    }

    public List<AgentTemplate> getTemplates() {
        return templates;
    }

    @DataBoundSetter
    public void setTemplates(List<AgentTemplate> v) {
        templates = v == null ? new ArrayList<>() : new ArrayList<>(v);
    }

    public int getMaxAgents() {
        return maxAgents;
    }

    @DataBoundSetter
    public void setMaxAgents(int v) {
        maxAgents = Math.max(0, v);
    }

    public String getAllowedRuntimes() {
        return allowedRuntimes;
    }

    @DataBoundSetter
    public void setAllowedRuntimes(String v) {
        allowedRuntimes = v == null || v.isBlank() ? "sysbox-runc" : v.trim();
    }

    Set<String> getRuntimeSet() {
        return new LinkedHashSet<>(List.of(allowedRuntimes.trim().split("[\\s,]+")));
    }

    public int getReaperGraceMinutes() {
        return reaperGraceMinutes;
    }

    @DataBoundSetter
    public void setReaperGraceMinutes(int v) {
        reaperGraceMinutes = Math.max(1, v);
    }

    public String getJenkinsUrl() {
        return jenkinsUrl;
    }

    @DataBoundSetter
    public void setJenkinsUrl(String v) {
        jenkinsUrl = v == null ? "" : v.trim();
    }

    @Extension
    @Symbol("systemContainer")
    public static final class DescriptorImpl extends Descriptor<Cloud> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "System Container Agents (Sysbox)";
        }

        @POST
        public FormValidation doCheckMaxAgents(@QueryParameter int value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return value >= 0 ? FormValidation.ok() : FormValidation.error("must not be negative (0 means no cap)");
        }

        @POST
        public FormValidation doCheckJenkinsUrl(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if (value == null || value.isBlank()) {
                return Jenkins.get().getRootUrl() == null
                        ? FormValidation.warning("empty and Jenkins' own URL is not set: inbound agents cannot connect")
                        : FormValidation.ok();
            }
            return value.trim().matches("https?://[^\\s/]+(/\\S*)?") ? FormValidation.ok()
                    : FormValidation.error("must be an http:// or https:// URL, such as http://jenkins.internal:8080/");
        }
    }
}
