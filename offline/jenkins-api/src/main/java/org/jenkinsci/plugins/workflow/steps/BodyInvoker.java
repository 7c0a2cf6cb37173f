// Facade (compile only) of org.jenkinsci.plugins.workflow.steps.BodyInvoker, org.jenkins-ci.plugins.workflow:workflow-step-api 724.v538c2362b_dfb_ (checked against source 0773c3c = 710.v3e456cc85233+6).
package org.jenkinsci.plugins.workflow.steps;

import java.util.Collection;

public abstract class BodyInvoker {
    public abstract BodyInvoker withContext(Object override);

    public BodyInvoker withContexts(Object... overrides) {
        throw new UnsupportedOperationException("facade");
    }

    public BodyInvoker withContexts(Collection<?> overrides) {
        throw new UnsupportedOperationException("facade");
    }

    public abstract BodyInvoker withCallback(BodyExecutionCallback callback);

    public abstract BodyExecution start();
}
