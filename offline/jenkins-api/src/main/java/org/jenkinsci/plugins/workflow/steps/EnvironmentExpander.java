// Facade (compile only) of org.jenkinsci.plugins.workflow.steps.EnvironmentExpander, org.jenkins-ci.plugins.workflow:workflow-step-api 724.v538c2362b_dfb_ (checked against source 0773c3c = 710.v3e456cc85233+6).
package org.jenkinsci.plugins.workflow.steps;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import java.io.IOException;
import java.io.Serializable;

public abstract class EnvironmentExpander implements Serializable {
    public abstract void expand(@NonNull EnvVars env) throws IOException, InterruptedException;

    public static EnvironmentExpander merge(@CheckForNull EnvironmentExpander original, @NonNull EnvironmentExpander subsequent) {
        throw new UnsupportedOperationException("facade");
    }
}
