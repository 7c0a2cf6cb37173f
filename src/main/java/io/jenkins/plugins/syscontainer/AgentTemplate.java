package io.jenkins.plugins.syscontainer;

import hudson.model.Describable;
import hudson.model.Label;
import hudson.model.Node;
import hudson.model.labels.LabelAtom;
import hudson.slaves.ComputerLauncher;
import io.jenkins.plugins.syscontainer.agent.AttachLauncher;
import io.jenkins.plugins.syscontainer.agent.InboundWebSocketLauncher;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.ImageSource;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import java.time.Duration;
import java.util.Map;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** What agents of one kind look like: image, limits, labels, cache, retention and launch settings. */
public class AgentTemplate implements Describable<AgentTemplate>, java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public static final String DEFAULT_IMAGE = "system-container-agent:latest";
    public static final String DEFAULT_REMOTE_FS = "/home/jenkins/agent";
    /** The cache key meaning "no cache": every agent starts with a throw-away volume. */
    public static final String NO_CACHE = "none";
    /** Launch methods: the controller attaches to an exec (default), or the agent dials in over WebSocket. */
    public static final String LAUNCH_ATTACH = "attach";
    public static final String LAUNCH_INBOUND_WEBSOCKET = "inboundWebSocket";
    public static final String PULL_IF_MISSING = "ifMissing";
    public static final String PULL_ALWAYS = "always";
    public static final String PULL_NEVER = "never";
    public static final int DEFAULT_STANDBY_MAX_AGE_MINUTES = 60;

    private final String name;
    private String labelString = "";
    private Node.Mode mode = Node.Mode.EXCLUSIVE;
    private String image = DEFAULT_IMAGE;
    private String runtime = SystemContainerSpec.DEFAULT_RUNTIME;
    private double cpus = SystemContainerSpec.DEFAULT_CPUS;
    private long memoryMb = SystemContainerSpec.DEFAULT_MEMORY_BYTES >> 20;
    private long pidsLimit = SystemContainerSpec.DEFAULT_PIDS_LIMIT;
    private String env = "";
    private String remoteFs = DEFAULT_REMOTE_FS;
    /** Null or empty: the template's name; "none": no cache. */
    private String cacheKey;
    private int cacheMaxVolumes = CacheSettings.DEFAULT_MAX_VOLUMES;
    private String preloadImages = "";
    private int cacheIdleDays = (int) CacheSettings.DEFAULT_IDLE_TTL.toDays();
    private String goldenVolume = "";
    private boolean keepQuarantined;
    private String launchMethod = LAUNCH_ATTACH;
    /** When the host lacks the image: "ifMissing" (pull then), "always" (pull before every agent) or "never". */
    private String pullPolicy = PULL_IF_MISSING;
    /** A "Username with password" credential for the image's registry; empty: pull anonymously. */
    private String registryCredentialsId = "";
    /** Whether a pipeline's systemContainerAgent step may name this template (and lease its cache volumes). */
    private boolean allowInPipelines;
    /** Images a pipeline may choose instead of {@link #image}, one pattern per line ('*': any run of characters). */
    private String pipelineImages = "";
    /** 0: one build, then the agent is terminated. */
    private int idleMinutes;
    private int readyTimeoutSeconds = (int) ProvisionRequest.DEFAULT_READY_TIMEOUT.toSeconds();
    private int launchTimeoutSeconds = AttachLauncher.DEFAULT_TIMEOUT_SECONDS;
    private int instanceCap;
    private int numExecutors = 1;
    /** Agents kept started, connected and idle ahead of demand (0: none). */
    private int standbyAgents;
    /** A standby agent older than this is replaced, so the images in its cache do not go stale. */
    private int standbyMaxAgeMinutes = DEFAULT_STANDBY_MAX_AGE_MINUTES;

    /**
     * What is worked out once from the settings (the problem found without any lookup, the parsed labels), and
     * forgotten whenever a setting changes: the queue asks for it on every pass, for every queued item.
     */
    private transient volatile Derived derived;

    private record Derived(String problem, String agentSettings) {
    }

    /** The parsed labels (its label string and its name), worked out once per change of the settings. */
    private transient volatile java.util.Set<LabelAtom> labels;

    @DataBoundConstructor
    public AgentTemplate(String name) {
        String problem = TemplateValidation.name(name);
        if (problem != null) {
            throw new IllegalArgumentException("template name '" + name + "' " + problem);
        }
        this.name = name;
    }

    /**
     * Settings saved by an earlier version lack the newer fields; XStream leaves them at 0/null (field initialisers do
     * not run), so they get their defaults here.
     */
    protected Object readResolve() {
        if (cacheIdleDays <= 0) {
            cacheIdleDays = (int) CacheSettings.DEFAULT_IDLE_TTL.toDays();
        }
        if (launchMethod == null) {
            launchMethod = LAUNCH_ATTACH;
        }
        if (goldenVolume == null) {
            goldenVolume = "";
        }
        if (mode == null) {
            mode = Node.Mode.EXCLUSIVE;
        }
        if (pullPolicy == null) {
            pullPolicy = PULL_IF_MISSING;
        }
        if (registryCredentialsId == null) {
            registryCredentialsId = "";
        }
        if (pipelineImages == null) {
            pipelineImages = "";
        }
        if (labelString == null) {
            labelString = "";
        }
        if (env == null) {
            env = "";
        }
        if (preloadImages == null) {
            preloadImages = "";
        }
        if (remoteFs == null) {
            remoteFs = DEFAULT_REMOTE_FS;
        }
        if (runtime == null) {
            runtime = SystemContainerSpec.DEFAULT_RUNTIME;
        }
        if (image == null) {
            image = DEFAULT_IMAGE;
        }
        if (cacheMaxVolumes <= 0) {
            cacheMaxVolumes = CacheSettings.DEFAULT_MAX_VOLUMES;
        }
        if (readyTimeoutSeconds <= 0) {
            readyTimeoutSeconds = (int) ProvisionRequest.DEFAULT_READY_TIMEOUT.toSeconds();
        }
        if (launchTimeoutSeconds <= 0) {
            launchTimeoutSeconds = AttachLauncher.DEFAULT_TIMEOUT_SECONDS;
        }
        if (numExecutors <= 0) {
            numExecutors = 1;
        }
        if (cpus <= 0) {
            cpus = SystemContainerSpec.DEFAULT_CPUS;
        }
        if (memoryMb <= 0) {
            memoryMb = SystemContainerSpec.DEFAULT_MEMORY_BYTES >> 20;
        }
        if (pidsLimit <= 0) {
            pidsLimit = SystemContainerSpec.DEFAULT_PIDS_LIMIT;
        }
        if (standbyMaxAgeMinutes <= 0) {
            standbyMaxAgeMinutes = DEFAULT_STANDBY_MAX_AGE_MINUTES;
        }
        changed();
        return this;
    }

    /** A setting changed: what was worked out from the settings is worked out again when next asked. */
    private void changed() {
        derived = null;
        labels = null;
    }

    private Derived derived() {
        Derived d = derived;
        if (d == null) {
            String problem;
            try {
                checkSettings();
                problem = null;
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
            d = new Derived(problem, agentSettingsDigest());
            derived = d;
        }
        return d;
    }

    /** The engine's view of this template, after the same checks as the form; throws naming the bad field. */
    public SystemContainerSpec toSpec() {
        TemplateValidation.require("image", TemplateValidation.image(image));
        TemplateValidation.require("memoryMb", TemplateValidation.memoryMb(memoryMb));
        TemplateValidation.require("cpus", TemplateValidation.cpus(cpus));
        TemplateValidation.require("pidsLimit", TemplateValidation.pidsLimit(pidsLimit));
        TemplateValidation.require("env", TemplateValidation.envProblem(env));
        SystemContainerSpec.Builder b = SystemContainerSpec.builder(image.trim()).runtime(runtime).cpus(cpus)
                .memoryBytes(memoryMb << 20).pidsLimit(pidsLimit).workingDir(remoteFs);
        for (Map.Entry<String, String> e : TemplateValidation.env(env).entrySet()) {
            b.env(e.getKey(), e.getValue());
        }
        return b.build();
    }

    public CacheSettings toCacheSettings() {
        TemplateValidation.require("preloadImages", TemplateValidation.preloadImages(preloadImages));
        TemplateValidation.require("cacheMaxVolumes", TemplateValidation.range(cacheMaxVolumes, 1, 1000));
        TemplateValidation.require("cacheIdleDays", TemplateValidation.range(cacheIdleDays, 1, 3650));
        TemplateValidation.require("goldenVolume", TemplateValidation.volumeName(goldenVolume));
        return CacheSettings.DEFAULTS.withMaxVolumes(cacheMaxVolumes)
                .withPreload(TemplateValidation.lines(preloadImages))
                .withIdleTtl(Duration.ofDays(cacheIdleDays))
                .withGolden(goldenVolume == null || goldenVolume.isBlank() ? null : goldenVolume.trim())
                .withKeepQuarantined(keepQuarantined);
    }

    /**
     * Where the image comes from when the host lacks it; resolves the registry credentials (throws naming the field).
     * A credentials look-up: called on the provisioning thread only, never on Jenkins' queue or provisioning paths.
     */
    public ImageSource toImageSource() {
        TemplateValidation.require("pullPolicy", TemplateValidation.pullPolicy(pullPolicy));
        ImageSource.PullPolicy policy = switch (pullPolicy) {
            case PULL_ALWAYS -> ImageSource.PullPolicy.ALWAYS;
            case PULL_NEVER -> ImageSource.PullPolicy.NEVER;
            default -> ImageSource.PullPolicy.IF_MISSING;
        };
        ImageSource.RegistryAuth auth = registryCredentialsId == null || registryCredentialsId.isBlank() ? null
                : RegistryCredentials.resolve(registryCredentialsId.trim());
        return new ImageSource(policy, auth, null);
    }

    /** The engine's request for one agent; resolves registry credentials (see {@link #toImageSource}). */
    public ProvisionRequest toRequest(AgentIdentity identity) {
        checkSettings();
        return new ProvisionRequest(identity, toSpec(), getEffectiveCacheKey(), toCacheSettings(),
                Duration.ofSeconds(readyTimeoutSeconds), toImageSource());
    }

    /** Every check of {@link #toRequest} that needs no look-up; throws naming the field. */
    private void checkSettings() {
        TemplateValidation.require("cacheKey", TemplateValidation.cacheKey(cacheKey));
        TemplateValidation.require("launchMethod", TemplateValidation.launchMethod(launchMethod));
        TemplateValidation.require("readyTimeoutSeconds", TemplateValidation.seconds(readyTimeoutSeconds, 5, 1800));
        TemplateValidation.require("launchTimeoutSeconds", TemplateValidation.seconds(launchTimeoutSeconds, 10, 1800));
        TemplateValidation.require("pullPolicy", TemplateValidation.pullPolicy(pullPolicy));
        TemplateValidation.require("standbyAgents", TemplateValidation.range(standbyAgents, 0, 100));
        TemplateValidation.require("standbyMaxAgeMinutes", TemplateValidation.range(standbyMaxAgeMinutes, 1, 7 * 24 * 60));
        toSpec();
        toCacheSettings();
    }

    /**
     * A digest of every setting that shapes an agent's container and launch (image, limits, environment, cache,
     * pulls, timeouts; not its labels, which a pipeline block replaces): two containers with the same digest are
     * interchangeable. A standby agent whose digest is no longer its template's was started from settings since
     * changed, and is replaced; a pipeline block takes a standby agent only when its narrowed template has the same
     * digest. Worked out once per change.
     */
    public String agentSettings() {
        return derived().agentSettings();
    }

    private String agentSettingsDigest() {
        String all = String.join("\u0000", image, runtime, Double.toString(cpus), Long.toString(memoryMb),
                Long.toString(pidsLimit), env, remoteFs, String.valueOf(getEffectiveCacheKey()),
                Integer.toString(cacheMaxVolumes), preloadImages, goldenVolume, Boolean.toString(keepQuarantined),
                launchMethod, pullPolicy, registryCredentialsId, Integer.toString(readyTimeoutSeconds),
                Integer.toString(launchTimeoutSeconds), Integer.toString(cacheIdleDays));
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(all.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Why this template cannot become an engine request (naming the field), or null. Worked out once per change of
     * the settings, with no Docker call and no credentials look-up (a missing credential is found when an agent is
     * provisioned); cheap enough for every queue pass.
     */
    public String problem() {
        return derived().problem();
    }

    /** The pool agents of this template lease from, or null for no cache. */
    public String getEffectiveCacheKey() {
        if (cacheKey == null || cacheKey.isBlank()) {
            return name;
        }
        return NO_CACHE.equalsIgnoreCase(cacheKey.trim()) ? null : cacheKey.trim();
    }

    /** Whether agents of this template can run a build with this label ({@code null}: any label, NORMAL mode only). */
    public boolean matches(Label label) {
        if (label == null) {
            return mode == Node.Mode.NORMAL;
        }
        java.util.Set<LabelAtom> l = labels;
        if (l == null) {
            l = Label.parse(labelString + " " + name);
            labels = l;
        }
        return label.matches(l);
    }

    public String getName() {
        return name;
    }

    public String getLabelString() {
        return labelString;
    }

    @DataBoundSetter
    public void setLabelString(String v) {
        labelString = v == null ? "" : v.trim();
        changed();
    }

    public Node.Mode getMode() {
        return mode;
    }

    @DataBoundSetter
    public void setMode(Node.Mode v) {
        mode = v == null ? Node.Mode.EXCLUSIVE : v;
        changed();
    }

    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String v) {
        TemplateValidation.require("image", v == null || v.isBlank() ? null : TemplateValidation.image(v.trim()));
        image = v == null || v.isBlank() ? DEFAULT_IMAGE : v.trim();
        changed();
    }

    public String getRuntime() {
        return runtime;
    }

    @DataBoundSetter
    public void setRuntime(String v) {
        runtime = v == null || v.isBlank() ? SystemContainerSpec.DEFAULT_RUNTIME : v.trim();
        changed();
    }

    public double getCpus() {
        return cpus;
    }

    @DataBoundSetter
    public void setCpus(double v) {
        TemplateValidation.require("cpus", TemplateValidation.cpus(v));
        cpus = v;
        changed();
    }

    public long getMemoryMb() {
        return memoryMb;
    }

    @DataBoundSetter
    public void setMemoryMb(long v) {
        TemplateValidation.require("memoryMb", TemplateValidation.memoryMb(v));
        memoryMb = v;
        changed();
    }

    public long getPidsLimit() {
        return pidsLimit;
    }

    @DataBoundSetter
    public void setPidsLimit(long v) {
        TemplateValidation.require("pidsLimit", TemplateValidation.pidsLimit(v));
        pidsLimit = v;
        changed();
    }

    public String getEnv() {
        return env;
    }

    @DataBoundSetter
    public void setEnv(String v) {
        TemplateValidation.require("env", TemplateValidation.envProblem(v));
        env = v == null ? "" : v;
        changed();
    }

    public String getRemoteFs() {
        return remoteFs;
    }

    @DataBoundSetter
    public void setRemoteFs(String v) {
        remoteFs = v == null || v.isBlank() ? DEFAULT_REMOTE_FS : v.trim();
        changed();
    }

    public String getCacheKey() {
        return cacheKey;
    }

    @DataBoundSetter
    public void setCacheKey(String v) {
        TemplateValidation.require("cacheKey", TemplateValidation.cacheKey(v));
        cacheKey = v == null || v.isBlank() ? null : v.strip(); // an empty form field means "the template's name"
        changed();
    }

    public int getCacheMaxVolumes() {
        return cacheMaxVolumes;
    }

    @DataBoundSetter
    public void setCacheMaxVolumes(int v) {
        TemplateValidation.require("cacheMaxVolumes", TemplateValidation.range(v, 1, 1000));
        cacheMaxVolumes = v;
        changed();
    }

    public String getPreloadImages() {
        return preloadImages;
    }

    @DataBoundSetter
    public void setPreloadImages(String v) {
        TemplateValidation.require("preloadImages", TemplateValidation.preloadImages(v));
        preloadImages = v == null ? "" : v;
        changed();
    }

    public int getIdleMinutes() {
        return idleMinutes;
    }

    @DataBoundSetter
    public void setIdleMinutes(int v) {
        TemplateValidation.require("idleMinutes", TemplateValidation.nonNegative(v));
        idleMinutes = Math.max(0, v);
        changed();
    }

    public int getReadyTimeoutSeconds() {
        return readyTimeoutSeconds;
    }

    @DataBoundSetter
    public void setReadyTimeoutSeconds(int v) {
        TemplateValidation.require("readyTimeoutSeconds", TemplateValidation.seconds(v, 5, 1800));
        readyTimeoutSeconds = v;
        changed();
    }

    public int getLaunchTimeoutSeconds() {
        return launchTimeoutSeconds;
    }

    @DataBoundSetter
    public void setLaunchTimeoutSeconds(int v) {
        TemplateValidation.require("launchTimeoutSeconds", TemplateValidation.seconds(v, 10, 1800));
        launchTimeoutSeconds = v;
        changed();
    }

    public int getInstanceCap() {
        return instanceCap;
    }

    @DataBoundSetter
    public void setInstanceCap(int v) {
        TemplateValidation.require("instanceCap", TemplateValidation.nonNegative(v));
        instanceCap = Math.max(0, v);
        changed();
    }

    public int getNumExecutors() {
        return numExecutors;
    }

    @DataBoundSetter
    public void setNumExecutors(int v) {
        numExecutors = Math.max(1, v);
        changed();
    }

    public int getCacheIdleDays() {
        return cacheIdleDays;
    }

    @DataBoundSetter
    public void setCacheIdleDays(int v) {
        TemplateValidation.require("cacheIdleDays", TemplateValidation.range(v, 1, 3650));
        cacheIdleDays = v;
        changed();
    }

    public String getGoldenVolume() {
        return goldenVolume;
    }

    @DataBoundSetter
    public void setGoldenVolume(String v) {
        TemplateValidation.require("goldenVolume", TemplateValidation.volumeName(v));
        goldenVolume = v == null ? "" : v.trim();
        changed();
    }

    public boolean isKeepQuarantined() {
        return keepQuarantined;
    }

    @DataBoundSetter
    public void setKeepQuarantined(boolean v) {
        keepQuarantined = v;
        changed();
    }

    public String getLaunchMethod() {
        return launchMethod;
    }

    @DataBoundSetter
    public void setLaunchMethod(String v) {
        TemplateValidation.require("launchMethod", TemplateValidation.launchMethod(v));
        launchMethod = v == null || v.isBlank() ? LAUNCH_ATTACH : v.trim();
        changed();
    }

    public String getPullPolicy() {
        return pullPolicy;
    }

    @DataBoundSetter
    public void setPullPolicy(String v) {
        TemplateValidation.require("pullPolicy", TemplateValidation.pullPolicy(v));
        pullPolicy = v == null || v.isBlank() ? PULL_IF_MISSING : v.trim();
        changed();
    }

    public String getRegistryCredentialsId() {
        return registryCredentialsId;
    }

    @DataBoundSetter
    public void setRegistryCredentialsId(String v) {
        registryCredentialsId = v == null ? "" : v.trim();
        changed();
    }

    public String getPipelineImages() {
        return pipelineImages;
    }

    @DataBoundSetter
    public void setPipelineImages(String v) {
        TemplateValidation.require("pipelineImages", TemplateValidation.imagePatterns(v));
        pipelineImages = v == null ? "" : v.strip();
        changed();
    }

    public boolean isAllowInPipelines() {
        return allowInPipelines;
    }

    @DataBoundSetter
    public void setAllowInPipelines(boolean v) {
        allowInPipelines = v;
        changed();
    }

    public int getStandbyAgents() {
        return standbyAgents;
    }

    @DataBoundSetter
    public void setStandbyAgents(int v) {
        TemplateValidation.require("standbyAgents", TemplateValidation.range(v, 0, 100));
        standbyAgents = v;
        changed();
    }

    public int getStandbyMaxAgeMinutes() {
        return standbyMaxAgeMinutes;
    }

    @DataBoundSetter
    public void setStandbyMaxAgeMinutes(int v) {
        TemplateValidation.require("standbyMaxAgeMinutes", TemplateValidation.range(v, 1, 7 * 24 * 60));
        standbyMaxAgeMinutes = v;
        changed();
    }

    /** The labels its agents answer to: its label string and its name. */
    public String agentLabels() {
        return (labelString + " " + name).trim();
    }

    /** The launcher for a new agent of this template on the given cloud (its URL matters to inbound agents only). */
    public ComputerLauncher newLauncher(String controllerUrl) {
        return LAUNCH_INBOUND_WEBSOCKET.equals(launchMethod)
                ? new InboundWebSocketLauncher(controllerUrl, launchTimeoutSeconds)
                : new AttachLauncher(launchTimeoutSeconds);
    }
}
