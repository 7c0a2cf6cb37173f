package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;

/**
 * Builds docker-java clients for a {@link DockerHost} over the httpclient5 transport, always with an explicit connect
 * timeout. Built by hand rather than from the environment so that nothing (DOCKER_HOST, ~/.docker) overrides the
 * configured host.
 */
public final class DockerClients {
    private DockerClients() {
    }

    /** A client for request/response API calls: every call is bounded by the host's response timeout. */
    public static DockerClient api(DockerHost host) {
        return build(host, true);
    }

    /**
     * A client for long-lived attached streams (the agent channel): connect timeout only, since a response "times out"
     * only when the agent has been quiet, which is the remoting protocol's business to judge.
     */
    public static DockerClient streaming(DockerHost host) {
        return build(host, false);
    }

    /** The raw transport, for the few API endpoints docker-java has no command for (the disk-usage report). */
    public static DockerHttpClient transport(DockerHost host) {
        return httpClient(host, sslConfig(host), true);
    }

    private static PemSslConfig sslConfig(DockerHost host) {
        return host.tls() == null ? null : new PemSslConfig(host.tls());
    }

    private static DockerClient build(DockerHost host, boolean bounded) {
        PemSslConfig ssl = sslConfig(host);
        DockerClientConfig config = new NoAmbientCredentials(DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.uri().toString())
                .withDockerTlsVerify(ssl != null)
                .withCustomSslConfig(ssl)
                .build());
        return DockerClientImpl.getInstance(config, httpClient(host, ssl, bounded));
    }

    /**
     * Connections per client. An attach agent holds one streaming connection for its whole life, and provisioning
     * adds a readiness wait, a preload or a pull per agent starting: the streaming pool is sized for every agent the
     * host may hold plus those, so launches never queue for a connection; request/response calls are short.
     */
    static int maxConnections(DockerHost host, boolean bounded) {
        return bounded ? 100 : Math.max(100, 2 * host.maxAgents() + 20);
    }

    private static DockerHttpClient httpClient(DockerHost host, PemSslConfig ssl, boolean bounded) {
        ApacheDockerHttpClient.Builder b = new ApacheDockerHttpClient.Builder()
                .dockerHost(host.uri())
                .maxConnections(maxConnections(host, bounded))
                .connectionTimeout(host.connectTimeout());
        if (ssl != null) {
            b.sslConfig(ssl);
        }
        if (bounded) {
            b.responseTimeout(host.responseTimeout());
        }
        return b.build();
    }
}
