// Facade (compile only) of org.jenkinsci.plugins.workflow.flow.FlowDefinition, org.jenkins-ci.plugins.workflow:workflow-api 1413.v2ff1a_5e720fa_. Type only (the parameter type of WorkflowJob.setDefinition).
package org.jenkinsci.plugins.workflow.flow;

import hudson.ExtensionPoint;
import hudson.model.AbstractDescribableImpl;

public abstract class FlowDefinition extends AbstractDescribableImpl<FlowDefinition> implements ExtensionPoint {
}
