// Facade (compile only) of org.jenkinsci.plugins.workflow.steps.BodyExecution, org.jenkins-ci.plugins.workflow:workflow-step-api 724.v538c2362b_dfb_ (checked against source 0773c3c = 710.v3e456cc85233+6).
package org.jenkinsci.plugins.workflow.steps;

import java.io.Serializable;
import java.util.Collection;
import java.util.concurrent.Future;

public abstract class BodyExecution implements Future<Object>, Serializable {
    public abstract Collection<StepExecution> getCurrentExecutions();

    public boolean cancel(Throwable t) {
        throw new UnsupportedOperationException("facade");
    }
}
