package io.jenkins.plugins.syscontainer.pipeline;

import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.slaves.Cloud;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.PipelineTemplates;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.provisioning.StandbyPool;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The cloud the step names; without a name, the only system container cloud, or the only one that offers a
     * template to pipelines. Throws with a message the build log shows.
     */
    static SystemContainerCloud findCloud(String name) throws AbortException {
        List<SystemContainerCloud> all = new ArrayList<>();
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s) {
                all.add(s);
            }
        }
        if (name != null) {
            return all.stream().filter(s -> s.name.equals(name)).findFirst()
                    .orElseThrow(() -> new AbortException(Messages.Step_NoSuchCloud(name)));
        }
        if (all.isEmpty()) {
            throw new AbortException(Messages.Step_NoCloud());
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        List<SystemContainerCloud> offering = all.stream()
                .filter(s -> s.getTemplates().stream().anyMatch(AgentTemplate::isAllowInPipelines)).toList();
        if (offering.size() == 1) {
            return offering.get(0);
        }
        throw new AbortException(Messages.Step_SeveralClouds(offering.isEmpty() ? all.size() : offering.size(),
                String.join(", ", (offering.isEmpty() ? all : offering).stream().map(s -> s.name).toList())));
    }

    @Override
    public boolean start() throws Exception {
        TaskListener listener = getContext().get(TaskListener.class);
        Run<?, ?> run = getContext().get(Run.class);
        SystemContainerCloud cloud = findCloud(step.getCloud());
        AgentTemplate t;
        AgentTemplate base;
        try {
            base = PipelineOverrides.base(cloud, step.getTemplate());
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
        PipelineTemplates.get().register(cloudId, label, t, run == null ? null : run.getExternalizableId(), listener);
        // A block asking for exactly the template's settings takes one of its standby agents, if one is there.
        String standby = base.getStandbyAgents() > 0 && t.agentSettings().equals(base.agentSettings())
                ? StandbyPool.get().claim(cloudId, base.getName(), base.agentSettings(), label) : null;
        listener.getLogger().println("[system-container] template " + t.getName() + " of cloud " + cloudName
                + " serves label " + label + " (image " + t.getImage() + ", cache "
                + (t.getEffectiveCacheKey() == null ? "none" : t.getEffectiveCacheKey()) + ")"
                + (standby == null ? "" : "; standby agent " + standby + " takes it"));
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
            String runId = null;
            try {
                listener = getContext().get(TaskListener.class);
                Run<?, ?> run = getContext().get(Run.class);
                runId = run == null ? null : run.getExternalizableId();
            } catch (java.io.IOException | InterruptedException e) {
                // progress then goes to the Jenkins log only
            }
            PipelineTemplates.get().register(cloudId, label, template, runId, listener);
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
            PipelineTemplates.get().remove(cloudId, label);
            for (hudson.model.Node n : Jenkins.get().getNodes()) {
                if (n instanceof SystemContainerAgent a && label.equals(a.getStepLabel())) {
                    a.terminateLater("its systemContainerTemplate block ended");
                }
            }
        }
    }
}
