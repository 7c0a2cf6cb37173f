// Facade (compile only) of org.jenkinsci.plugins.workflow.job.WorkflowJob, org.jenkins-ci.plugins.workflow:workflow-job 1571.1580.v18e46842c125 (bom-2.555.x).
package org.jenkinsci.plugins.workflow.job;

import hudson.model.ItemGroup;
import hudson.model.Job;
import hudson.model.TopLevelItem;
import jenkins.model.ParameterizedJobMixIn;
import org.jenkinsci.plugins.workflow.flow.FlowDefinition;

public final class WorkflowJob extends Job<WorkflowJob, WorkflowRun>
        implements ParameterizedJobMixIn.ParameterizedJob<WorkflowJob, WorkflowRun>, TopLevelItem {
    public WorkflowJob(ItemGroup parent, String name) {
        super(parent, name);
        throw new UnsupportedOperationException("facade");
    }

    public void setDefinition(FlowDefinition definition) {
        throw new UnsupportedOperationException("facade");
    }
}
