// Facade (compile only) of hudson.model.Job, org.jenkins-ci.main:jenkins-core 2.555.3. Type only (the superclass of WorkflowJob).
package hudson.model;

public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends AbstractItem {
    protected Job(ItemGroup parent, String name) {
        super(parent, name);
        throw new UnsupportedOperationException("facade");
    }
}
