package io.jenkins.plugins.syscontainer;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Label;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner.PlannedNode;
import hudson.util.FormValidation;
import io.jenkins.plugins.syscontainer.engine.DockerHost;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.SystemContainerEngine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * The cloud that provisions Sysbox system containers as Jenkins agents. {@link #provision} decides from live state how
 * many agents to start and returns futures that do the work on a thread of their own. It makes no Docker call: the
 * engine's recovery of state from Docker (on first use, or after a change of hosts) runs in the background, and until
 * it is done provisioning waits for the next pass.
 *
 * <p>Everything this cloud creates in Docker is labelled with its {@link #getCloudId() id}, not its name: the id is
 * kept when the cloud is renamed, so its containers, cache volumes and agents stay its own; a cloud that is deleted
 * has them removed ({@link CloudCleanup}).
 */
public class SystemContainerCloud extends Cloud {
    private static final Logger LOG = Logger.getLogger(SystemContainerCloud.class.getName());

    /** Scopes this cloud's Docker objects; its name when it was created, kept across renames. */
    private String cloudId;
    private List<DockerHostEntry> hosts = new ArrayList<>();
    private List<AgentTemplate> templates = new ArrayList<>();
    private int maxAgents = 20;
    private String allowedRuntimes = "sysbox-runc";
    private int reaperGraceMinutes = 10;
    /** The URL inbound agents dial; empty: Jenkins' own URL. */
    private String jenkinsUrl = "";
    /**
     * Templates suspended after a failure that another host cannot fix. Kept with this cloud object only: saving the
     * configuration makes a new one, so a fixed template is tried again at once.
     */
    private transient volatile TemplateSuspensions suspensions;

    @DataBoundConstructor
    public SystemContainerCloud(String name) {
        super(name);
        this.cloudId = name;
    }

    /** Fields added after a configuration was saved come back null from XStream: give them their defaults. */
    protected Object readResolve() {
        if (cloudId == null || cloudId.isBlank()) {
            cloudId = name; // what the scope was before clouds had ids: existing containers and volumes stay ours
        }
        if (jenkinsUrl == null) {
            jenkinsUrl = "";
        }
        if (hosts == null) {
            hosts = new ArrayList<>();
        }
        if (templates == null) {
            templates = new ArrayList<>();
        }
        if (allowedRuntimes == null || allowedRuntimes.isBlank()) {
            allowedRuntimes = "sysbox-runc";
        }
        if (reaperGraceMinutes <= 0) {
            reaperGraceMinutes = 10;
        }
        return this;
    }

    /** A renamed or re-saved cloud keeps its id, so what it made in Docker stays its own. */
    @Override
    public Cloud reconfigure(@NonNull StaplerRequest2 req, JSONObject form) throws Descriptor.FormException {
        Cloud result = super.reconfigure(req, form);
        if (result instanceof SystemContainerCloud c) {
            c.cloudId = cloudId;
        }
        return result;
    }

    TemplateSuspensions suspensions() {
        TemplateSuspensions s = suspensions;
        if (s == null) {
            synchronized (this) {
                if (suspensions == null) {
                    suspensions = new TemplateSuspensions(Clock.systemUTC());
                }
                s = suspensions;
            }
        }
        return s;
    }

    /** This cloud's engine, built from the configuration on first use and shared until the hosts change; may wait. */
    SystemContainerEngine engine() {
        return CloudEngines.get(cloudId, engineConfig());
    }

    /** Starts the engine's recovery in the background if it is not built yet (after a start or a save); never waits. */
    void warmUp() {
        try {
            CloudEngines.ifReady(cloudId, engineConfig());
        } catch (RuntimeException e) {
            LOG.fine(() -> "cloud " + name + ": engine not started: " + e.getMessage());
        }
    }

    CloudEngines.Config engineConfig() {
        List<DockerHost> hs = new ArrayList<>();
        for (DockerHostEntry h : hosts) {
            hs.add(h.toDockerHost(h.resolveTls()));
        }
        Jenkins j = Jenkins.get();
        return new CloudEngines.Config(scope(cloudId), hs, getRuntimeSet(),
                j.getRootDir().toPath().resolve("system-container-agents").resolve(cloudId + ".ledger"));
    }

    /**
     * The engine's controller id for a cloud: the controller's instance id plus the cloud's id, so that two clouds of
     * one controller never adopt, reap or evict each other's containers and cache volumes.
     */
    static String scope(String cloudId) {
        return Jenkins.get().getLegacyInstanceId() + "." + cloudId;
    }

    /** The cloud with this id (or, for agents saved before clouds had ids, this name), or null. */
    static SystemContainerCloud byId(String cloudId) {
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s && s.cloudId.equals(cloudId)) {
                return s;
            }
        }
        return null;
    }

    /** The controller URL for inbound agents of this cloud (see {@link InboundWebSocketLauncher#controllerUrl}). */
    String controllerUrl() {
        return InboundWebSocketLauncher.controllerUrl(jenkinsUrl, System.getProperty("jenkins.agent.inboundUrl"),
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

    /**
     * The template that serves a label: a running step's one-off template whose label it is exactly, or else the
     * first of the administrator's templates that matches. Broken or suspended templates are included: the caller
     * decides.
     */
    TemplateMatch match(Label label) {
        if (label != null) {
            PipelineTemplates.Entry e = PipelineTemplates.forLabel(cloudId, label.getName());
            if (e != null) {
                return new TemplateMatch(e.template(), label.getName(), e);
            }
        }
        for (AgentTemplate t : templates) {
            if (t.matches(label)) {
                return new TemplateMatch(t, null, null);
            }
        }
        return null;
    }

    /** A template serving a label; {@code stepLabel} and {@code step} are set for a step's one-off template. */
    record TemplateMatch(AgentTemplate template, String stepLabel, PipelineTemplates.Entry step) {
    }

    /**
     * Why the template that serves this label cannot provision now (a problem in its settings, found without any
     * Docker call, or a suspension after a failure), or null when it can or no template serves the label.
     */
    String blockedReason(Label label) {
        return blockedReason(match(label));
    }

    private String blockedReason(TemplateMatch m) {
        if (m == null) {
            return null;
        }
        AgentTemplate t = m.template();
        String problem = t.problem();
        if (problem != null) {
            return Messages.QueueGuard_Broken(t.getName(), name, problem);
        }
        if (m.step() != null) {
            String failure = PipelineTemplates.failure(m.stepLabel());
            return failure == null ? null : Messages.QueueGuard_Broken(t.getName(), name, failure);
        }
        TemplateSuspensions.Suspension s = suspensions().suspension(t.getName());
        return s == null ? null : Messages.QueueGuard_Suspended(t.getName(), name, s.until(), s.reason());
    }

    @Override
    public boolean canProvision(CloudState state) {
        TemplateMatch m = match(state.getLabel());
        return m != null && blockedReason(m) == null;
    }

    @Override
    public Collection<PlannedNode> provision(CloudState state, int excessWorkload) {
        TemplateMatch m = match(state.getLabel());
        if (m == null || blockedReason(m) != null) {
            return List.of(); // a broken or suspended template: QueueGuard tells the queued builds why
        }
        AgentTemplate t = m.template();
        SystemContainerEngine engine;
        try {
            engine = CloudEngines.ifReady(cloudId, engineConfig());
        } catch (RuntimeException e) {
            LOG.warning("cloud " + name + " cannot provision: " + e.getMessage());
            return List.of();
        }
        if (engine == null) {
            LOG.fine(() -> "cloud " + name + ": the engine is still recovering its state; provisioning on the next pass");
            return List.of();
        }
        List<SystemContainerAgent> ours = SystemContainerAgent.all(cloudId);
        // A step's one-off template counts against the administrator's template it narrows (same name).
        int templateLive = (int) ours.stream().filter(a -> a.getTemplateName().equals(t.getName())).count()
                + AgentFactory.inFlight(cloudId, t.getName());
        int cloudLive = ours.size() + AgentFactory.inFlight(cloudId, null);
        int free = engine.plan(t.getEffectiveCacheKey()).candidates().stream().mapToInt(h -> h.freeSlots()).sum();
        int n = ProvisioningPlan.agentsToStart(excessWorkload, t.getNumExecutors(), cloudLive, maxAgents, templateLive,
                t.getInstanceCap(), free);
        List<PlannedNode> planned = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            planned.add(AgentFactory.plan(this, m, engine, state.getLabel()));
        }
        return planned;
    }

    /** Records a provisioning failure of one of the administrator's templates; true when it suspended the template. */
    boolean recordFailure(String templateName, FailureKind kind, String reason) {
        return suspensions().onFailure(templateName, kind, reason);
    }

    public String getCloudId() {
        return cloudId;
    }

    /**
     * For configuration as code: a cloud defined anew with the same id keeps what the old definition made in Docker.
     * Without it, the id is the cloud's name when it was created.
     */
    @DataBoundSetter
    public void setCloudId(String v) {
        cloudId = v == null || v.isBlank() ? name : v.trim();
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

    /** For the cloud's page: the templates suspended now, with why and until when. */
    public List<String> getSuspensionLines() {
        List<String> out = new ArrayList<>();
        for (AgentTemplate t : templates) {
            TemplateSuspensions.Suspension s = suspensions().suspension(t.getName());
            if (s != null) {
                out.add(Messages.QueueGuard_Suspended(t.getName(), name, s.until(), s.reason()));
            }
        }
        return out;
    }

    /** For the cloud's page: templates whose settings cannot work, with the field and why. */
    public List<String> getTemplateProblemLines() {
        List<String> out = new ArrayList<>();
        for (AgentTemplate t : templates) {
            String p = t.problem();
            if (p != null) {
                out.add(Messages.QueueGuard_Broken(t.getName(), name, p));
            }
        }
        return out;
    }

    /** Why a configuration cannot be saved (naming the field), or null. */
    static Descriptor.FormException configurationProblem(SystemContainerCloud c) {
        Set<String> seen = new HashSet<>();
        for (DockerHostEntry h : c.hosts) {
            String p = DockerHostEntry.nameProblem(h.getName());
            if (p != null) {
                return new Descriptor.FormException("Docker host '" + h.getName() + "': field 'name' " + p, "hosts");
            }
            if (!seen.add(h.getName())) {
                return new Descriptor.FormException(Messages.SystemContainerCloud_DuplicateHost(h.getName()), "hosts");
            }
            String u = DockerHostEntry.uriProblem(h.getUri());
            if (u != null) {
                return new Descriptor.FormException("Docker host '" + h.getName() + "': field 'uri' " + u, "hosts");
            }
        }
        seen.clear();
        for (AgentTemplate t : c.templates) {
            if (!seen.add(t.getName())) {
                return new Descriptor.FormException(Messages.SystemContainerCloud_DuplicateTemplate(t.getName()), "templates");
            }
            String images = TemplateValidation.imagePatterns(t.getPipelineImages());
            if (images != null) {
                return new Descriptor.FormException("template '" + t.getName() + "': field 'pipelineImages': " + images,
                        "templates");
            }
        }
        return null;
    }

    @Extension
    @Symbol("systemContainer")
    public static final class DescriptorImpl extends Descriptor<Cloud> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.SystemContainerCloud_DisplayName();
        }

        /**
         * The form's cloud, checked: a bad template name, a duplicate host or template, a bad URI fail the save with a
         * message naming the field (Jenkins shows a form error, not an HTTP 500). A new cloud whose name another
         * cloud's id already holds (that cloud was renamed) gets an id of its own.
         */
        @Override
        public Cloud newInstance(StaplerRequest2 req, @NonNull JSONObject formData) throws FormException {
            Cloud c;
            try {
                c = super.newInstance(req, formData);
            } catch (RuntimeException | LinkageError e) {
                // Stapler wraps what a constructor threw ("Failed to instantiate class …", in an IllegalArgumentException
                // or a LinkageError): show our own message as a form error.
                IllegalArgumentException ours = null;
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof IllegalArgumentException iae) {
                        ours = iae;
                    }
                }
                if (ours == null) {
                    throw e;
                }
                throw new FormException(ours.getMessage(), "templates");
            }
            if (c instanceof SystemContainerCloud s) {
                FormException problem = configurationProblem(s);
                if (problem != null) {
                    throw problem;
                }
                SystemContainerCloud holder = byId(s.cloudId);
                if (holder != null && !holder.name.equals(s.name)) {
                    s.cloudId = s.name + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
                }
            }
            return c;
        }

        @POST
        public FormValidation doCheckMaxAgents(@QueryParameter int value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return value >= 0 ? FormValidation.ok() : FormValidation.error(Messages.SystemContainerCloud_MaxAgentsNegative());
        }

        @POST
        public FormValidation doCheckJenkinsUrl(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if (value == null || value.isBlank()) {
                return Jenkins.get().getRootUrl() == null ? FormValidation.warning(Messages.SystemContainerCloud_NoRootUrl())
                        : FormValidation.ok();
            }
            return value.trim().matches("https?://[^\\s/]+(/\\S*)?") ? FormValidation.ok()
                    : FormValidation.error(Messages.SystemContainerCloud_BadUrl());
        }
    }
}
