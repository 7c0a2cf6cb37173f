package io.jenkins.plugins.syscontainer;

import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.slaves.CloudRetentionStrategy;
import io.jenkins.plugins.syscontainer.agent.AgentOrigin;
import io.jenkins.plugins.syscontainer.agent.AttachLauncher;
import io.jenkins.plugins.syscontainer.agent.OneShotRetention;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.provisioning.AgentRecipe;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import java.util.List;

/** An agent of one template of one cloud, as the provisioning room asks for it. */
final class TemplateRecipe implements AgentRecipe {
    private final SystemContainerCloud cloud;
    private final SystemContainerCloud.TemplateMatch match;
    private final boolean standby;

    TemplateRecipe(SystemContainerCloud cloud, SystemContainerCloud.TemplateMatch match) {
        this(cloud, match, false);
    }

    TemplateRecipe(SystemContainerCloud cloud, SystemContainerCloud.TemplateMatch match, boolean standby) {
        this.cloud = cloud;
        this.match = match;
        this.standby = standby;
    }

    private AgentTemplate t() {
        return match.template();
    }

    @Override
    public String templateName() {
        return t().getName();
    }

    @Override
    public int executors() {
        return t().getNumExecutors();
    }

    @Override
    public String label() {
        return match.stepLabel() != null ? match.stepLabel() : t().getLabelString();
    }

    @Override
    public TaskListener buildLog() {
        return match.step() == null ? null : match.step().listener();
    }

    @Override
    public String cacheKey() {
        return t().getEffectiveCacheKey();
    }

    @Override
    public ProvisionRequest request(AgentIdentity identity) {
        ProvisionRequest req = t().toRequest(identity);
        // Attached agents: their JVM starts while the inner Docker does (inbound ones dial in only once added).
        return AgentTemplate.LAUNCH_ATTACH.equals(t().getLaunchMethod())
                ? req.withWhileStarting(AttachLauncher.startEarly(identity.agentName(), t().getRemoteFs())) : req;
    }

    @Override
    public boolean standby() {
        return standby;
    }

    @Override
    public boolean stillWanted() {
        return match.stepLabel() == null || PipelineTemplates.get().forLabel(cloud.cloudId(), match.stepLabel()) != null;
    }

    @Override
    public Node node(String agentName, AgentHandle handle, List<String> log, long queuedSince) throws Exception {
        AgentTemplate t = t();
        SystemContainerAgent a = new SystemContainerAgent(agentName, t.getRemoteFs(), t.newLauncher(cloud.controllerUrl()),
                new AgentOrigin(cloud.cloudId(), cloud.name, t.getName(), t.agentSettings(), match.stepLabel(), standby), handle, log);
        a.setNumExecutors(t.getNumExecutors());
        a.setMode(t.getMode());
        // A step's agent answers to its unique label only: no other build may take it.
        a.setLabelString(match.stepLabel() != null ? match.stepLabel() : t.agentLabels());
        // A standby agent is one-shot whatever the template's idle minutes: no state passes between builds.
        a.setRetentionStrategy(t.getIdleMinutes() == 0 || standby ? new OneShotRetention()
                : new CloudRetentionStrategy(t.getIdleMinutes()));
        a.startedFrom(queuedSince, handle);
        return a;
    }

    @Override
    public boolean failed(FailureKind kind, String message) {
        if (match.step() != null) {
            CloudEngines.get().activity(cloud.cloudId()).failed(t().getName(), kind, message);
            if (kind.templateFatal()) {
                PipelineTemplates.get().fail(match.stepLabel(), message); // the queue guard fails the step's node block
            }
            return false;
        }
        return cloud.recordFailure(t().getName(), kind, message);
    }
}
