package io.jenkins.plugins.syscontainer.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;

/**
 * Builds docker-java clients for a {@link DockerHost} over the httpclient5 transport, always with explicit connect
 * and response timeouts.
 */
public final class DockerClients {
    private DockerClients() {
    }

    /** A client for request/response API calls: every call is bounded by the host's response timeout. */
    public static DockerClient api(DockerHost host) {
        return DockerClientImpl.getInstance(config(host), transport(host, true));
    }

    private static DockerClientConfig config(DockerHost host) {
        return DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.uri().toString())
                .withDockerTlsVerify(host.tls() != null)
                .build();
    }

    private static DockerHttpClient transport(DockerHost host, boolean bounded) {
        ApacheDockerHttpClient.Builder b = new ApacheDockerHttpClient.Builder()
                .dockerHost(host.uri())
                .maxConnections(64)
                .connectionTimeout(host.connectTimeout());
        if (bounded) {
            b.responseTimeout(host.responseTimeout());
        }
        return b.build();
    }
}
