package io.jenkins.plugins.syscontainer.engine.k8s.sim;

import io.jenkins.plugins.syscontainer.engine.AgentChannel;
import io.jenkins.plugins.syscontainer.engine.k8s.PodExec;
import io.jenkins.plugins.syscontainer.testsupport.LocalChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one fake on the agent's side of the Jenkins test: the mock API server has no kubelet, so nothing runs "in" a
 * pod. Here every pod's channel runs its commands as local processes of the test's machine ({@code java} is the test
 * JVM's), so the launcher, the remoting jar, the agent and the build are real, and only the exec transport is not.
 * The API server's exec ({@code ExecChannel}) is not tested here at all: the mock's CRUD mode has no exec.
 */
public final class LocalPodExec implements PodExec {
    private final List<LocalChannel> channels = new CopyOnWriteArrayList<>();
    public final List<String> pods = new CopyOnWriteArrayList<>();

    @Override
    public AgentChannel channel(String namespace, String pod) {
        pods.add(pod);
        LocalChannel c = new LocalChannel(); // the same local "container" the in-memory backend's agents run in
        channels.add(c);
        return c;
    }

    /** Kills what the pods' "containers" still run. */
    public void killAll() {
        channels.forEach(LocalChannel::killAll);
    }
}
