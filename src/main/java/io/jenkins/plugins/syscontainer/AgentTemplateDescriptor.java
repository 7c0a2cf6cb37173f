package io.jenkins.plugins.syscontainer;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.RelativePath;
import hudson.model.Descriptor;
import hudson.model.Label;
import hudson.model.Node;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.util.List;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** The template form: choices, and checks that name what is wrong. Checks are for administrators only. */
@Extension
public final class AgentTemplateDescriptor extends Descriptor<AgentTemplate> {
    public AgentTemplateDescriptor() {
        super(AgentTemplate.class);
    }

    @NonNull
    @Override
    public String getDisplayName() {
        return Messages.AgentTemplate_DisplayName();
    }

    private static FormValidation checked(String problem) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return problem == null ? FormValidation.ok() : FormValidation.error(problem);
    }

    /** Exclusive first: a new template's agents take only builds that ask for their labels. */
    public ListBoxModel doFillModeItems() {
        ListBoxModel m = new ListBoxModel();
        m.add(Messages.AgentTemplate_ModeExclusive(), Node.Mode.EXCLUSIVE.name());
        m.add(Messages.AgentTemplate_ModeNormal(), Node.Mode.NORMAL.name());
        return m;
    }

    public static ListBoxModel pullPolicies(boolean withDefault) {
        ListBoxModel m = new ListBoxModel();
        if (withDefault) {
            m.add(Messages.AgentTemplate_AsTheTemplateSays(), "");
        }
        m.add(Messages.AgentTemplate_PullIfMissing(), AgentTemplate.PULL_IF_MISSING);
        m.add(Messages.AgentTemplate_PullAlways(), AgentTemplate.PULL_ALWAYS);
        m.add(Messages.AgentTemplate_PullNever(), AgentTemplate.PULL_NEVER);
        return m;
    }

    public static ListBoxModel launchMethods(boolean withDefault) {
        ListBoxModel m = new ListBoxModel();
        if (withDefault) {
            m.add(Messages.AgentTemplate_AsTheTemplateSays(), "");
        }
        m.add(Messages.AgentTemplate_LaunchAttach(), AgentTemplate.LAUNCH_ATTACH);
        m.add(Messages.AgentTemplate_LaunchInbound(), AgentTemplate.LAUNCH_INBOUND_WEBSOCKET);
        return m;
    }

    public ListBoxModel doFillPullPolicyItems() {
        return pullPolicies(false);
    }

    public ListBoxModel doFillLaunchMethodItems() {
        return launchMethods(false);
    }

    @POST
    public ListBoxModel doFillRegistryCredentialsIdItems(@QueryParameter String registryCredentialsId) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return new StandardListBoxModel().includeEmptyValue()
                .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StandardUsernamePasswordCredentials.class, List.of(),
                        CredentialsMatchers.always())
                .includeCurrentValue(registryCredentialsId == null ? "" : registryCredentialsId);
    }

    @POST
    public FormValidation doCheckName(@QueryParameter String value) {
        return checked(TemplateValidation.name(value));
    }

    /**
     * The image's syntax; and for pull policy {@code never}, whether the saved cloud's hosts have it (the cloud named
     * by the form's cloud name field; asked on a pool thread, see {@link ImageChecks}).
     */
    @POST
    public FormValidation doCheckImage(@QueryParameter String value, @QueryParameter String pullPolicy,
            @RelativePath("..") @QueryParameter("name") String cloudName) throws InterruptedException {
        FormValidation syntax = checked(TemplateValidation.image(value));
        if (syntax.kind != FormValidation.Kind.OK || !AgentTemplate.PULL_NEVER.equals(pullPolicy) || cloudName == null
                || !(Jenkins.get().getCloud(cloudName.trim()) instanceof SystemContainerCloud cloud)
                || cloud.getPlaces().isEmpty()) {
            return syntax;
        }
        return ImageChecks.get().formCheck(cloud, value.trim());
    }

    @POST
    public FormValidation doCheckLabelString(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        try {
            Label.parse(value);
            return FormValidation.ok();
        } catch (RuntimeException e) {
            return FormValidation.error(Messages.AgentTemplate_BadLabels(e.getMessage()));
        }
    }

    @POST
    public FormValidation doCheckMemoryMb(@QueryParameter long value) {
        return checked(TemplateValidation.memoryMb(value));
    }

    @POST
    public FormValidation doCheckCpus(@QueryParameter double value) {
        return checked(TemplateValidation.cpus(value));
    }

    @POST
    public FormValidation doCheckPidsLimit(@QueryParameter long value) {
        return checked(TemplateValidation.pidsLimit(value));
    }

    @POST
    public FormValidation doCheckEnv(@QueryParameter String value) {
        return checked(TemplateValidation.envProblem(value));
    }

    @POST
    public FormValidation doCheckCacheKey(@QueryParameter String value) {
        return checked(TemplateValidation.cacheKey(value));
    }

    @POST
    public FormValidation doCheckPreloadImages(@QueryParameter String value) {
        return checked(TemplateValidation.preloadImages(value));
    }

    @POST
    public FormValidation doCheckPipelineImages(@QueryParameter String value) {
        return checked(TemplateValidation.imagePatterns(value));
    }

    @POST
    public FormValidation doCheckCacheMaxVolumes(@QueryParameter long value) {
        return checked(TemplateValidation.range(value, 1, 1000));
    }

    @POST
    public FormValidation doCheckCacheIdleDays(@QueryParameter long value) {
        return checked(TemplateValidation.range(value, 1, 3650));
    }

    @POST
    public FormValidation doCheckGoldenVolume(@QueryParameter String value) {
        return checked(TemplateValidation.volumeName(value));
    }

    @POST
    public FormValidation doCheckReadyTimeoutSeconds(@QueryParameter long value) {
        return checked(TemplateValidation.seconds(value, 5, 1800));
    }

    @POST
    public FormValidation doCheckLaunchTimeoutSeconds(@QueryParameter long value) {
        return checked(TemplateValidation.seconds(value, 10, 1800));
    }

    @POST
    public FormValidation doCheckStandbyAgents(@QueryParameter long value) {
        return checked(TemplateValidation.range(value, 0, 100));
    }

    @POST
    public FormValidation doCheckStandbyMaxAgeMinutes(@QueryParameter long value) {
        return checked(TemplateValidation.range(value, 1, 7 * 24 * 60));
    }
}
