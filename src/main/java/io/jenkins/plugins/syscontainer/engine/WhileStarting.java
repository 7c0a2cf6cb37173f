package io.jenkins.plugins.syscontainer.engine;

/**
 * Work the caller wants done in an agent's container as soon as it runs, while its inner Docker is still starting
 * (the Jenkins layer starts the agent's JVM there, so that the two starts overlap instead of following each other).
 * The backend calls it once, on a thread of its own, and does not wait for it: what it starts is the caller's to
 * collect or to drop. It must not throw.
 */
@FunctionalInterface
public interface WhileStarting {
    void run(AgentChannel channel);
}
