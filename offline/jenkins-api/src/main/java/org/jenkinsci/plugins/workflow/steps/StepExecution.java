// Facade (compile only) of org.jenkinsci.plugins.workflow.steps.StepExecution, org.jenkins-ci.plugins.workflow:workflow-step-api 724.v538c2362b_dfb_ (checked against source 0773c3c = 710.v3e456cc85233+6).
package org.jenkinsci.plugins.workflow.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;

public abstract class StepExecution implements Serializable {
    protected StepExecution(@NonNull StepContext context) {
        throw new UnsupportedOperationException("facade");
    }

    public @NonNull StepContext getContext() {
        throw new UnsupportedOperationException("facade");
    }

    public abstract boolean start() throws Exception;

    public void stop(@NonNull Throwable cause) throws Exception {
        throw new UnsupportedOperationException("facade");
    }

    public void onResume() {
        throw new UnsupportedOperationException("facade");
    }
}
