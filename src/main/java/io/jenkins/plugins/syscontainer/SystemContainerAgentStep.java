package io.jenkins.plugins.syscontainer;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.TaskListener;
import java.util.Set;
import java.util.UUID;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code systemContainerAgent(image: '…', cache: '…', cloud: '…', …) { … }}: provisions one system-container agent
 * from an ad-hoc template, runs the body on it with the inner Docker as DOCKER_HOST, and terminates it when the body
 * ends, whatever the outcome.
 */
public class SystemContainerAgentStep extends Step {
    private String cloud;
    private String image;
    private String label;
    private String cache;
    private String runtime;
    private Double cpus;
    private Long memoryMb;
    private Long pidsLimit;
    private String env;
    private String preloadImages;
    private Integer readyTimeoutSeconds;
    private Integer launchTimeoutSeconds;
    private String launchMethod;
    private String pullPolicy;

    @DataBoundConstructor
    public SystemContainerAgentStep() {
    }

    /**
     * The ad-hoc template: the named template of the cloud when {@code label} names one (its settings are the
     * defaults), otherwise the built-in defaults; every argument given overrides. Throws naming the bad argument.
     */
    AgentTemplate toTemplate(AgentTemplate base) {
        AgentTemplate t = new AgentTemplate("step-" + UUID.randomUUID().toString().substring(0, 8));
        if (base != null) {
            t.setImage(base.getImage());
            t.setRuntime(base.getRuntime());
            t.setCpus(base.getCpus());
            t.setMemoryMb(base.getMemoryMb());
            t.setPidsLimit(base.getPidsLimit());
            t.setEnv(base.getEnv());
            t.setRemoteFs(base.getRemoteFs());
            t.setCacheKey(base.getEffectiveCacheKey() == null ? AgentTemplate.NO_CACHE : base.getEffectiveCacheKey());
            t.setCacheMaxVolumes(base.getCacheMaxVolumes());
            t.setPreloadImages(base.getPreloadImages());
            t.setReadyTimeoutSeconds(base.getReadyTimeoutSeconds());
            t.setLaunchTimeoutSeconds(base.getLaunchTimeoutSeconds());
            t.setCacheIdleDays(base.getCacheIdleDays());
            t.setGoldenVolume(base.getGoldenVolume()); // an administrator's choice; a pipeline cannot name one
            t.setKeepQuarantined(base.isKeepQuarantined());
            t.setLaunchMethod(base.getLaunchMethod());
            t.setPullPolicy(base.getPullPolicy());
            t.setRegistryCredentialsId(base.getRegistryCredentialsId()); // an administrator's; a pipeline cannot name one
        } else {
            t.setCacheKey(AgentTemplate.NO_CACHE);
        }
        if (image != null) {
            if (!image.equals(t.getImage())) {
                // The administrator's registry credentials are for the template's image: a pipeline's own image is
                // pulled anonymously, or the credentials could fetch other private images, or go to another registry.
                t.setRegistryCredentialsId("");
            }
            t.setImage(image);
        }
        if (runtime != null) {
            t.setRuntime(runtime);
        }
        if (cpus != null) {
            t.setCpus(cpus);
        }
        if (memoryMb != null) {
            t.setMemoryMb(memoryMb);
        }
        if (pidsLimit != null) {
            t.setPidsLimit(pidsLimit);
        }
        if (env != null) {
            t.setEnv(env);
        }
        if (cache != null) {
            t.setCacheKey(cache);
        }
        if (preloadImages != null) {
            t.setPreloadImages(preloadImages);
        }
        if (readyTimeoutSeconds != null) {
            t.setReadyTimeoutSeconds(readyTimeoutSeconds);
        }
        if (launchTimeoutSeconds != null) {
            t.setLaunchTimeoutSeconds(launchTimeoutSeconds);
        }
        if (launchMethod != null) {
            t.setLaunchMethod(launchMethod);
        }
        if (pullPolicy != null) {
            t.setPullPolicy(pullPolicy);
        }
        t.setMode(hudson.model.Node.Mode.EXCLUSIVE); // only this step's body runs there
        t.setIdleMinutes(0);
        return t;
    }

    /**
     * Why the step may not start from the template its {@code label} names, or null. A template is offered to
     * pipelines only when an administrator allowed it: its settings (a golden volume, preloaded images) and above all
     * its cache volumes, which its other agents share, are not for any Jenkinsfile to use.
     */
    static String templateProblem(String cloudName, String label, AgentTemplate base) {
        if (label == null) {
            return null;
        }
        if (base == null) {
            return "argument 'label': cloud '" + cloudName + "' has no template named '" + label + "'";
        }
        return base.isAllowInPipelines() ? null : "argument 'label': template '" + label + "' of cloud '" + cloudName
                + "' is not offered to pipelines (an administrator can tick 'Usable by the systemContainerAgent step')";
    }

    /**
     * A cache key named by a pipeline is private to its job: prefixed with a digest of the job's full name, so that a
     * Jenkinsfile (say, of an untrusted branch of another project) cannot lease the volumes, and plant images in
     * them, of another job or of an administrator's template. "none" stays "none".
     */
    static String jobCacheKey(String jobFullName, String key) {
        if (key == null || key.isBlank() || AgentTemplate.NO_CACHE.equalsIgnoreCase(key.trim())) {
            return key;
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(jobFullName).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String prefix = "j" + java.util.HexFormat.of().formatHex(d, 0, 5) + "-";
            String k = prefix + key.trim();
            return k.length() > 64 ? k.substring(0, 64) : k;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new SystemContainerAgentStepExecution(this, context);
    }

    public String getCloud() {
        return cloud;
    }

    @DataBoundSetter
    public void setCloud(String v) {
        cloud = blankToNull(v);
    }

    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String v) {
        image = blankToNull(v);
    }

    public String getLabel() {
        return label;
    }

    @DataBoundSetter
    public void setLabel(String v) {
        label = blankToNull(v);
    }

    public String getCache() {
        return cache;
    }

    @DataBoundSetter
    public void setCache(String v) {
        cache = blankToNull(v);
    }

    public String getRuntime() {
        return runtime;
    }

    @DataBoundSetter
    public void setRuntime(String v) {
        runtime = blankToNull(v);
    }

    public Double getCpus() {
        return cpus;
    }

    @DataBoundSetter
    public void setCpus(Double v) {
        cpus = v;
    }

    public Long getMemoryMb() {
        return memoryMb;
    }

    @DataBoundSetter
    public void setMemoryMb(Long v) {
        memoryMb = v;
    }

    public Long getPidsLimit() {
        return pidsLimit;
    }

    @DataBoundSetter
    public void setPidsLimit(Long v) {
        pidsLimit = v;
    }

    public String getEnv() {
        return env;
    }

    @DataBoundSetter
    public void setEnv(String v) {
        env = v;
    }

    public String getPreloadImages() {
        return preloadImages;
    }

    @DataBoundSetter
    public void setPreloadImages(String v) {
        preloadImages = v;
    }

    public Integer getReadyTimeoutSeconds() {
        return readyTimeoutSeconds;
    }

    @DataBoundSetter
    public void setReadyTimeoutSeconds(Integer v) {
        readyTimeoutSeconds = v;
    }

    public Integer getLaunchTimeoutSeconds() {
        return launchTimeoutSeconds;
    }

    @DataBoundSetter
    public void setLaunchTimeoutSeconds(Integer v) {
        launchTimeoutSeconds = v;
    }

    public String getLaunchMethod() {
        return launchMethod;
    }

    @DataBoundSetter
    public void setLaunchMethod(String v) {
        launchMethod = blankToNull(v);
    }

    public String getPullPolicy() {
        return pullPolicy;
    }

    @DataBoundSetter
    public void setPullPolicy(String v) {
        pullPolicy = blankToNull(v);
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class);
        }

        @Override
        public String getFunctionName() {
            return "systemContainerAgent";
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Run the body on a system container agent with its own Docker";
        }
    }
}
