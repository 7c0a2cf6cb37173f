// Facade (compile only) of hudson.model.Queue, org.jenkins-ci.main:jenkins-core 2.555.3. Only the nested Task and Executable types are used.
package hudson.model;

public class Queue extends ResourceController {
    public interface Task {
    }

    public interface Executable {
    }
}
