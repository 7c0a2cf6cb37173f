package io.jenkins.plugins.syscontainer;

import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.slaves.Cloud;
import java.util.Map;
import java.util.UUID;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.BodyExecution;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.EnvironmentExpander;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Checks and authorises the arguments at once (a refusal fails the step before anything is provisioned, naming the
 * argument), registers the one-off template under a unique label for the body, and removes it when the body ends,
 * terminating any agent of it that is still there. Survives a restart: the template is saved with the execution and
 * registered again on resume, so a {@code node} block waiting for, or running on, its agent carries on.
 */
public class SystemContainerTemplateStepExecution extends StepExecution {
    private static final long serialVersionUID = 1L;
    /** The environment variable holding the one-off template's label, for {@code node(env.SYSTEM_CONTAINER_LABEL)}. */
    public static final String LABEL_VARIABLE = "SYSTEM_CONTAINER_LABEL";

    private final transient SystemContainerTemplateStep step;
    private String cloudId;
    private String cloudName;
    private String label;
    private AgentTemplate template;
    private BodyExecution body;

    SystemContainerTemplateStepExecution(SystemContainerTemplateStep step, StepContext context) {
        super(context);
        this.step = step;
    }

    /** The cloud the step names, or the only system container cloud; throws with a message the build log shows. */
    static SystemContainerCloud findCloud(String name) throws AbortException {
        SystemContainerCloud found = null;
        int count = 0;
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s) {
                count++;
                if (name == null || s.name.equals(name)) {
                    found = found == null ? s : found;
                }
            }
        }
        if (found == null) {
            throw new AbortException(name == null ? Messages.Step_NoCloud()
                    : Messages.Step_NoSuchCloud(name));
        }
        if (name == null && count > 1) {
            throw new AbortException(Messages.Step_SeveralClouds(count));
        }
        return found;
    }

    @Override
    public boolean start() throws Exception {
        TaskListener listener = getContext().get(TaskListener.class);
        Run<?, ?> run = getContext().get(Run.class);
        SystemContainerCloud cloud = findCloud(step.getCloud());
        AgentTemplate t;
        try {
            AgentTemplate base = PipelineOverrides.base(cloud, step.getLabel());
            t = PipelineOverrides.apply(base, step.request(), run == null ? null : run.getParent().getFullName());
            String problem = t.problem();
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        } catch (IllegalArgumentException e) {
            throw new AbortException("systemContainerTemplate: " + e.getMessage());
        }
        cloudId = cloud.getCloudId();
        cloudName = cloud.name;
        label = "sca-" + t.getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        template = t;
        PipelineTemplates.register(cloudId, label, t, run == null ? null : run.getUrl(), listener);
        listener.getLogger().println("[system-container] template " + t.getName() + " of cloud " + cloudName
                + " serves label " + label + " (image " + t.getImage() + ", cache "
                + (t.getEffectiveCacheKey() == null ? "none" : t.getEffectiveCacheKey()) + ")");
        body = getContext().newBodyInvoker()
                .withContext(EnvironmentExpander.merge(getContext().get(EnvironmentExpander.class),
                        EnvironmentExpander.constant(Map.of(LABEL_VARIABLE, label))))
                .withCallback(new Cleanup(cloudId, label))
                .start();
        return false;
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        if (body != null) {
            body.cancel(cause); // the body's node block ends; Cleanup then removes the template and any agent of it
        } else {
            getContext().onFailure(cause);
        }
    }

    @Override
    public void onResume() {
        if (template != null && label != null) {
            TaskListener listener = null;
            String runUrl = null;
            try {
                listener = getContext().get(TaskListener.class);
                Run<?, ?> run = getContext().get(Run.class);
                runUrl = run == null ? null : run.getUrl();
            } catch (java.io.IOException | InterruptedException e) {
                // progress then goes to the Jenkins log only
            }
            PipelineTemplates.register(cloudId, label, template, runUrl, listener);
        }
    }

    /** Removes the one-off template when the body ends, and any agent of it that is still there, whatever the outcome. */
    static final class Cleanup extends BodyExecutionCallback.TailCall {
        private static final long serialVersionUID = 1L;
        private final String cloudId;
        private final String label;

        Cleanup(String cloudId, String label) {
            this.cloudId = cloudId;
            this.label = label;
        }

        @Override
        protected void finished(StepContext context) {
            PipelineTemplates.remove(cloudId, label);
            for (hudson.model.Node n : Jenkins.get().getNodes()) {
                if (n instanceof SystemContainerAgent a && label.equals(a.getStepLabel())) {
                    a.terminateLater("its systemContainerTemplate block ended");
                }
            }
        }
    }
}
