package io.jenkins.plugins.syscontainer.engine.k8s;

import io.jenkins.plugins.syscontainer.engine.AgentChannel;

/**
 * How commands reach a pod's agent container. The real one is {@link ExecChannel} (the API server's
 * {@code pods/exec}); a test without a kubelet puts another here and says so.
 */
@FunctionalInterface
public interface PodExec {
    AgentChannel channel(String namespace, String pod);
}
