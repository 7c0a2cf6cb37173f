// Facade (compile only) of hudson.model.Run, org.jenkins-ci.main:jenkins-core 2.555.3. Type only (the superclass of WorkflowRun).
package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.IOException;

public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends Actionable {
    protected Run(@NonNull JobT job) throws IOException {
        throw new UnsupportedOperationException("facade");
    }
}
