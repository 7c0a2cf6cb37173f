package io.jenkins.plugins.syscontainer.pipeline;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.AgentTemplateDescriptor;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code systemContainerTemplate(template: 'docker', image: '…', cache: '…') { node(env.SYSTEM_CONTAINER_LABEL) { … } }}:
 * while its body runs, a one-off template (an administrator's template offered to pipelines, narrowed by the
 * arguments) serves the unique label in {@code SYSTEM_CONTAINER_LABEL}. The body gets its agent through Jenkins'
 * own {@code node} step, so it has an executor, a workspace and the usual environment. {@code systemContainerAgent}
 * ({@link io.jenkins.plugins.syscontainer.pipeline.SystemContainerAgentVariable}) wraps both in one block.
 */
public class SystemContainerTemplateStep extends Step {
    private String cloud;
    private String template;
    private String image;
    private String cache;
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
    public SystemContainerTemplateStep() {
    }

    PipelineOverrides.Request request() {
        return new PipelineOverrides.Request(image, cpus, memoryMb, pidsLimit, env, cache, preloadImages,
                readyTimeoutSeconds, launchTimeoutSeconds, launchMethod, pullPolicy);
    }

    /**
     * A cache key named by a pipeline is private to its job: prefixed with a digest of the job's full name, so that a
     * Jenkinsfile (say, of an untrusted branch of another project) cannot lease the volumes, and plant images in
     * them, of another job or of an administrator's template. "none" stays "none".
     */
    static String jobCacheKey(String jobFullName, String key) {
        if (key == null || key.isBlank() || AgentTemplate.NO_CACHE.equalsIgnoreCase(key.strip())) {
            return key;
        }
        if (!key.strip().matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw new IllegalArgumentException("argument 'cache': '" + key.replaceAll("\\p{Cntrl}", "?") + "' must be"
                    + " letters, digits, '_', '.' or '-' (it is part of volume names; no control characters)");
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(jobFullName).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String prefix = "j" + java.util.HexFormat.of().formatHex(d, 0, 5) + "-";
            String k = prefix + key.strip();
            return k.length() > 64 ? k.substring(0, 64) : k;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public StepExecution start(StepContext context) {
        return new SystemContainerTemplateStepExecution(this, context);
    }

    public String getCloud() {
        return cloud;
    }

    @DataBoundSetter
    public void setCloud(String v) {
        cloud = blankToNull(v);
    }

    /** The name of the administrator's template to narrow (empty: the cloud's first one offered to pipelines). */
    public String getTemplate() {
        return template;
    }

    @DataBoundSetter
    public void setTemplate(String v) {
        template = blankToNull(v);
    }

    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String v) {
        image = blankToNull(v);
    }

    public String getCache() {
        return cache;
    }

    @DataBoundSetter
    public void setCache(String v) {
        cache = blankToNull(v);
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
        env = blankToNull(v);
    }

    public String getPreloadImages() {
        return preloadImages;
    }

    @DataBoundSetter
    public void setPreloadImages(String v) {
        preloadImages = blankToNull(v);
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
            return Set.of(TaskListener.class, Run.class);
        }

        @Override
        public String getFunctionName() {
            return "systemContainerTemplate";
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.SystemContainerTemplateStep_DisplayName();
        }

        public hudson.util.ListBoxModel doFillLaunchMethodItems() {
            return AgentTemplateDescriptor.launchMethods(true);
        }

        public hudson.util.ListBoxModel doFillPullPolicyItems() {
            return AgentTemplateDescriptor.pullPolicies(true);
        }
    }
}
