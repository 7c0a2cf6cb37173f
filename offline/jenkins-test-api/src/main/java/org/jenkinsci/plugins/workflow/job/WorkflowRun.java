// Facade (compile only) of org.jenkinsci.plugins.workflow.job.WorkflowRun, org.jenkins-ci.plugins.workflow:workflow-job 1571.1580.v18e46842c125 (bom-2.555.x).
package org.jenkinsci.plugins.workflow.job;

import hudson.model.Run;
import java.io.IOException;
import org.jenkinsci.plugins.workflow.flow.FlowExecutionOwner;

public final class WorkflowRun extends Run<WorkflowJob, WorkflowRun> implements FlowExecutionOwner.Executable {
    public WorkflowRun(WorkflowJob job) throws IOException {
        super(job);
        throw new UnsupportedOperationException("facade");
    }
}
