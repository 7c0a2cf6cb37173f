// Facade (compile only) of org.jenkinsci.plugins.workflow.steps.StepContext, org.jenkins-ci.plugins.workflow:workflow-step-api 724.v538c2362b_dfb_ (checked against source 0773c3c = 710.v3e456cc85233+6).
package org.jenkinsci.plugins.workflow.steps;

import com.google.common.util.concurrent.FutureCallback;
import edu.umd.cs.findbugs.annotations.Nullable;
import java.io.IOException;
import java.io.Serializable;

public abstract class StepContext implements FutureCallback<Object>, Serializable {
    public abstract <T> T get(Class<T> key) throws IOException, InterruptedException;

    @Override
    public abstract void onSuccess(@Nullable Object result);

    public abstract boolean isReady();

    public abstract BodyInvoker newBodyInvoker() throws IllegalStateException;
}
