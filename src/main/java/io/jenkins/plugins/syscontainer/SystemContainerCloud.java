package io.jenkins.plugins.syscontainer;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Label;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner.PlannedNode;
import hudson.util.FormValidation;
import io.jenkins.plugins.syscontainer.agent.InboundWebSocketLauncher;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.HostStatus;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.provisioning.AgentFactory;
import io.jenkins.plugins.syscontainer.provisioning.CloudActivity;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import io.jenkins.plugins.syscontainer.provisioning.ProvisioningCloud;
import io.jenkins.plugins.syscontainer.provisioning.ProvisioningPlan;
import io.jenkins.plugins.syscontainer.provisioning.StandbyPool;
import io.jenkins.plugins.syscontainer.provisioning.TemplateSuspensions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
 * many agents to start and returns futures that do the work on a thread of their own. It makes no Docker call and no
 * credentials look-up: the engine's recovery of state from Docker (on first use, or after a change of hosts) runs in
 * the background, and until it is done provisioning waits for the next pass. {@link #canProvision} only says whether a
 * template serves the label (core caches that answer); whether a template can provision now is asked in
 * {@link #provision} and told to waiting builds by the queue guard.
 *
 * <p>Everything this cloud creates in Docker is labelled with its {@link #getCloudId() id}, not its name: the id is
 * kept when the cloud is renamed, so its containers, cache volumes and agents stay its own; a cloud that is deleted
 * has them removed (the cleanup room).
 */
public class SystemContainerCloud extends Cloud implements ProvisioningCloud {
    private static final Logger LOG = Logger.getLogger(SystemContainerCloud.class.getName());

    /** Scopes this cloud's Docker objects; its name when it was created, kept across renames. */
    private String cloudId;
    private List<DockerHostEntry> hosts = new ArrayList<>();
    /** Agents on Kubernetes instead of the Docker hosts; null: the Docker hosts. */
    private KubernetesPlacement kubernetes;
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
    /** The backend's recipe, worked out once per cloud object (a save makes a new one): no look-up on hot paths. */
    private transient volatile BackendRecipe recipe;

    @DataBoundConstructor
    public SystemContainerCloud(String name) {
        super(name);
        this.cloudId = defaultId(name);
    }

    /** The id a new cloud gets: its name when that is usable in file and volume names, else a safe form of it. */
    public static String defaultId(String name) {
        if (name != null && TemplateValidation.NAME.matcher(name).matches()) {
            return name;
        }
        String safe = String.valueOf(name).replaceAll("[^a-zA-Z0-9_.-]", "-").replaceAll("^[^a-zA-Z0-9]+", "");
        safe = safe.isEmpty() ? "cloud" : safe.substring(0, Math.min(24, safe.length()));
        return safe + "-" + UUID.nameUUIDFromBytes(String.valueOf(name).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString().substring(0, 8);
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

    /** This cloud's suspended templates, for its page. */
    public List<TemplateSuspensions.Entry> getSuspensions() {
        return suspensions().entries();
    }

    /** Lifts a template's suspension now (the administrator fixed what failed); true when there was one. */
    public boolean liftSuspension(String template) {
        return suspensions().clear(template);
    }

    /** This cloud's engine, built from the configuration on first use and shared until the hosts change; may wait. */
    public AgentBackend engine() {
        return CloudEngines.get().get(this);
    }

    /** The engine if it is built and has recovered its state, else null: never waits. */
    public AgentBackend engineIfReady() {
        try {
            return CloudEngines.get().ifReady(this);
        } catch (RuntimeException e) {
            LOG.fine(() -> "cloud " + name + ": engine not ready: " + e.getMessage());
            return null;
        }
    }

    @Override
    public String cloudId() {
        return cloudId;
    }

    @Override
    public String displayName() {
        return name;
    }

    /** Where this cloud's agents run: its Docker hosts (a test or another placement may say otherwise). */
    protected Placement placement() {
        if (kubernetes != null) {
            return hosts.isEmpty() ? kubernetes : kubernetes.besideDockerHosts();
        }
        return new DockerHostsPlacement(hosts);
    }

    /**
     * Built from the placement's settings (credentials by id: a credential whose content changes is read again when
     * the cloud is saved or Jenkins restarts), the runtime allowlist and the scope. A changed fingerprint builds a new
     * backend, which takes over the old one's cache leases. Worked out once per cloud object: a save makes a new one.
     */
    @Override
    public BackendRecipe backendRecipe() {
        BackendRecipe r = recipe;
        if (r == null) {
            String scope = CloudEngines.get().scope(cloudId);
            Set<String> runtimes = getRuntimeSet();
            Placement placement = placement();
            java.nio.file.Path ledger = Jenkins.get().getRootDir().toPath().resolve("system-container-agents")
                    .resolve(ledgerFileName(cloudId));
            r = new BackendRecipe(scope + "|" + runtimes + "|" + placement.fingerprint(),
                    previous -> placement.build(scope, new SecurityPolicy(runtimes), ledger, previous));
            recipe = r;
        }
        return r;
    }

    /** The cache ledger's file name for a cloud id: the id itself when it is a safe name, else a digest of it. */
    public static String ledgerFileName(String cloudId) {
        return (TemplateValidation.NAME.matcher(cloudId).matches() ? cloudId
                : "cloud-" + UUID.nameUUIDFromBytes(cloudId.getBytes(java.nio.charset.StandardCharsets.UTF_8))) + ".ledger";
    }

    /** The runtime check of one of this cloud's places (a probe agent; talks to the place: a pool thread only). */
    public ProbeResult probePlace(String place, SystemContainerSpec spec, Duration timeout)
            throws InterruptedException, java.io.IOException {
        return placement().probe(place, new SecurityPolicy(getRuntimeSet()), spec, timeout);
    }

    /** The places agents go to, by name, with their endpoints (as configured). */
    public Map<String, String> getPlaces() {
        return placement().places();
    }

    /** Each place's cache size budget in bytes. */
    public Map<String, Long> cacheBudgets() {
        return placement().cacheBudgets();
    }

    /** The cloud with this id, or null. */
    public static SystemContainerCloud byId(String cloudId) {
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

    public AgentTemplate template(String templateName) {
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
            PipelineTemplates.Entry e = PipelineTemplates.get().forLabel(cloudId, label.getName());
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

    @Override
    public boolean serves(Label label) {
        return match(label) != null;
    }

    /**
     * Why the template that serves this label cannot provision now (a problem in its settings, found without any
     * Docker call, or a suspension after a failure), or null when it can or no template serves the label.
     */
    @Override
    public String blockedReason(Label label) {
        return blockedReason(match(label));
    }

    private String blockedReason(TemplateMatch m) {
        if (m == null) {
            return null;
        }
        AgentTemplate t = m.template();
        String problem = t.problem();
        if (problem != null) {
            return Messages.Template_Broken(t.getName(), name, problem);
        }
        if (m.step() != null) {
            String failure = PipelineTemplates.get().failure(m.stepLabel());
            return failure == null ? null : Messages.Template_Broken(t.getName(), name, failure);
        }
        TemplateSuspensions.Suspension s = suspensions().suspension(t.getName());
        return s == null ? null : Messages.Template_Suspended(t.getName(), name, s.until().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), s.kind(), s.reason());
    }

    @Override
    public String waitingReason(Label label) {
        TemplateMatch m = match(label);
        AgentBackend backend = m == null ? null : engineIfReady();
        if (backend == null) {
            return null;
        }
        List<HostStatus> hs = backend.hosts();
        if (hs.isEmpty() || hs.stream().anyMatch(h -> h.available() && h.recovered())) {
            return null;
        }
        Instant now = Instant.now();
        List<String> parts = new ArrayList<>();
        for (HostStatus h : hs) {
            parts.add(Messages.SystemContainerCloud_HostDown(h.name(), h.downSince() == null ? "?" : h.downSince().truncatedTo(
                    java.time.temporal.ChronoUnit.SECONDS), h.failures(), h.retryAt() == null ? "now"
                    : Math.max(0, Duration.between(now, h.retryAt()).toSeconds()) + " s",
                    h.lastError() == null ? (h.recovered() ? "-" : "not recovered yet") : h.lastError()));
        }
        return Messages.SystemContainerCloud_AllHostsDown(name, String.join("; ", parts));
    }

    @Override
    public boolean canProvision(CloudState state) {
        return serves(state.getLabel());
    }

    @Override
    public Collection<PlannedNode> provision(CloudState state, int excessWorkload) {
        TemplateMatch m = match(state.getLabel());
        if (m == null || blockedReason(m) != null) {
            return List.of(); // a broken or suspended template: the queue guard tells the queued builds why
        }
        return plan(m, state.getLabel(), excessWorkload, false);
    }

    /**
     * Plans agents within the caps: the cloud's, the template's (a step's one-off template counts against the
     * administrator's template it narrows: same name) and the hosts' free slots. Demand comes first: when a cap holds
     * back agents for queued builds, idle agents of the standby pool give way.
     */
    private List<PlannedNode> plan(TemplateMatch m, Label label, int excessWorkload, boolean standby) {
        AgentTemplate t = m.template();
        AgentBackend backend = engineIfReady();
        if (backend == null) {
            LOG.fine(() -> "cloud " + name + ": the engine is still recovering its state; provisioning on the next pass");
            return List.of();
        }
        CloudActivity activity = CloudEngines.get().activity(cloudId);
        // Counting and registering the new agents is one step: the provisioners of several labels and the standby
        // pool plan at the same time, and each must see the others' agents.
        synchronized (activity) {
            return plan(m, label, excessWorkload, standby, t, backend, activity);
        }
    }

    private List<PlannedNode> plan(TemplateMatch m, Label label, int excessWorkload, boolean standby, AgentTemplate t,
            AgentBackend backend, CloudActivity activity) {
        List<SystemContainerAgent> ours = SystemContainerAgent.all(cloudId);
        int templateLive = (int) ours.stream().filter(a -> a.getTemplateName().equals(t.getName())).count()
                + activity.inFlight(t.getName());
        int cloudLive = ours.size() + activity.inFlight(null);
        // Agents planned but not yet on a host hold no slot in the backend yet: they take from the free ones.
        int free = backend.freeSlots(t.getEffectiveCacheKey()) - activity.unplaced();
        int wanted = ProvisioningPlan.agentsToStart(excessWorkload, t.getNumExecutors(), 0, 0, 0, 0, Integer.MAX_VALUE);
        int n = ProvisioningPlan.agentsToStart(excessWorkload, t.getNumExecutors(), cloudLive, maxAgents, templateLive,
                t.getInstanceCap(), free);
        if (!standby && n < wanted) {
            StandbyPool.get().giveWay(this, t.getName(), label, wanted - n);
        }
        List<PlannedNode> planned = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            planned.add(AgentFactory.plan(this, backend, new TemplateRecipe(this, m, standby), label));
        }
        return planned;
    }

    @Override
    public List<StandbyTarget> standbyTargets() {
        List<StandbyTarget> out = new ArrayList<>();
        for (AgentTemplate t : templates) {
            if (t.getStandbyAgents() > 0 && t.problem() == null && suspensions().suspension(t.getName()) == null) {
                out.add(new StandbyTarget(t.getName(), t.getStandbyAgents(), Duration.ofMinutes(t.getStandbyMaxAgeMinutes()),
                        StandbyTarget.shape(t.agentSettings(), t.agentLabels(), t.getMode().name(), t.getNumExecutors())));
            }
        }
        return out;
    }

    @Override
    public List<PlannedNode> planStandby(String templateName, int wanted) {
        AgentTemplate t = template(templateName);
        if (t == null || wanted <= 0) {
            return List.of();
        }
        return plan(new TemplateMatch(t, null, null), null, wanted * t.getNumExecutors(), true);
    }

    /**
     * Records a provisioning failure of one of the administrator's templates: kept for the cloud's page and logged,
     * and the template suspended when the failure says it cannot work; true when it suspended the template.
     */
    public boolean recordFailure(String templateName, FailureKind kind, String message) {
        CloudEngines.get().activity(cloudId).failed(templateName, kind, message);
        return suspensions().onFailure(templateName, kind, message);
    }

    public String getCloudId() {
        return cloudId;
    }

    /**
     * For configuration as code: a cloud defined anew with the same id keeps what the old definition made in Docker.
     * Without it, the id is the cloud's name when it was created. It names files and Docker labels, so it must be a
     * plain name (the template name's rules).
     */
    @DataBoundSetter
    public void setCloudId(String v) {
        if (v != null && !v.isBlank() && !TemplateValidation.NAME.matcher(v.trim()).matches()) {
            throw new IllegalArgumentException("field 'cloudId': '" + v + "' " + TemplateValidation.name(v.trim()));
        }
        cloudId = v == null || v.isBlank() ? defaultId(name) : v.trim();
        recipe = null;
    }

    public List<DockerHostEntry> getHosts() {
        return hosts;
    }

    @DataBoundSetter
    public void setHosts(List<DockerHostEntry> v) {
        hosts = v == null ? new ArrayList<>() : new ArrayList<>(v);
        recipe = null;
    }

    public KubernetesPlacement getKubernetes() {
        return kubernetes;
    }

    /** Places the agents on Kubernetes (a cloud has Docker hosts or Kubernetes, not both); null: the Docker hosts. */
    @DataBoundSetter
    public void setKubernetes(KubernetesPlacement v) {
        kubernetes = v;
        recipe = null;
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
        TemplateValidation.require("maxAgents", TemplateValidation.nonNegative(v));
        maxAgents = v;
    }

    public String getAllowedRuntimes() {
        return allowedRuntimes;
    }

    @DataBoundSetter
    public void setAllowedRuntimes(String v) {
        allowedRuntimes = v == null || v.isBlank() ? "sysbox-runc" : v.trim();
        recipe = null;
    }

    public Set<String> getRuntimeSet() {
        return new LinkedHashSet<>(List.of(allowedRuntimes.trim().split("[\\s,]+")));
    }

    public int getReaperGraceMinutes() {
        return reaperGraceMinutes;
    }

    @DataBoundSetter
    public void setReaperGraceMinutes(int v) {
        TemplateValidation.require("reaperGraceMinutes", TemplateValidation.range(v, 1, 7 * 24 * 60));
        reaperGraceMinutes = v;
    }

    public String getJenkinsUrl() {
        return jenkinsUrl;
    }

    @DataBoundSetter
    public void setJenkinsUrl(String v) {
        jenkinsUrl = v == null ? "" : v.trim();
    }

    /** The cloud's id now: a copied cloud gets one of its own (cleanup room). */
    public void changeCloudId(String v) {
        setCloudId(v);
    }

    /** For the cloud's page: the templates suspended now, with why and until when. */
    public List<String> getSuspensionLines() {
        List<String> out = new ArrayList<>();
        for (AgentTemplate t : templates) {
            TemplateSuspensions.Suspension s = suspensions().suspension(t.getName());
            if (s != null) {
                out.add(Messages.Template_Suspended(t.getName(), name, s.until().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), s.kind(), s.reason()));
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
                out.add(Messages.Template_Broken(t.getName(), name, p));
            }
        }
        return out;
    }

    /** Why a configuration cannot be saved (naming the field), or null. */
    static Descriptor.FormException configurationProblem(SystemContainerCloud c) {
        List<String> placement = c.placement().problems();
        if (!placement.isEmpty()) {
            return new Descriptor.FormException(placement.get(0), "hosts");
        }
        Set<String> seen = new HashSet<>();
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
                    throw new CloudFormError(s, problem); // the form again, with the message
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
