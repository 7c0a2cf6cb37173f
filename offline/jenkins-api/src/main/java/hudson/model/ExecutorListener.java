// Facade (compile only) of hudson.model.ExecutorListener, org.jenkins-ci.main:jenkins-core 2.555.3.
package hudson.model;

import hudson.ExtensionPoint;

public interface ExecutorListener extends ExtensionPoint {
    default void taskAccepted(Executor executor, Queue.Task task) {
        throw new UnsupportedOperationException("facade");
    }

    default void taskStarted(Executor executor, Queue.Task task) {
        throw new UnsupportedOperationException("facade");
    }

    default void taskCompleted(Executor executor, Queue.Task task, long durationMS) {
        throw new UnsupportedOperationException("facade");
    }

    default void taskCompletedWithProblems(Executor executor, Queue.Task task, long durationMS, Throwable problems) {
        throw new UnsupportedOperationException("facade");
    }
}
