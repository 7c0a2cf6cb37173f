// Facade (compile only) of org.jenkinsci.plugins.workflow.steps.StepDescriptor, org.jenkins-ci.plugins.workflow:workflow-step-api 724.v538c2362b_dfb_ (checked against source 0773c3c = 710.v3e456cc85233+6).
package org.jenkinsci.plugins.workflow.steps;

import hudson.model.Descriptor;
import java.util.Set;

public abstract class StepDescriptor extends Descriptor<Step> {
    public abstract Set<? extends Class<?>> getRequiredContext();

    public abstract String getFunctionName();

    public boolean takesImplicitBlockArgument() {
        throw new UnsupportedOperationException("facade");
    }
}
