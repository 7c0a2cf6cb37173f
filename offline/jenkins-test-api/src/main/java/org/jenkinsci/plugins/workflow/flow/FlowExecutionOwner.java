// Facade (compile only) of org.jenkinsci.plugins.workflow.flow.FlowExecutionOwner, org.jenkins-ci.plugins.workflow:workflow-api 1413.v2ff1a_5e720fa_. Only the nested Executable type is used (WorkflowRun implements it); its abstract asFlowExecutionOwner() is left out.
package org.jenkinsci.plugins.workflow.flow;

import hudson.model.Queue;
import java.io.Serializable;

public abstract class FlowExecutionOwner implements Serializable {
    public interface Executable extends Queue.Executable {
    }
}
