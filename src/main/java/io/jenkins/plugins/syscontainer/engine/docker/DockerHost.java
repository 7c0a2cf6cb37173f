package io.jenkins.plugins.syscontainer.engine.docker;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * A Docker endpoint that agents are provisioned on: a {@code unix://} socket or a {@code tcp://} address (TLS when
 * {@link TlsMaterial} is given), plus the timeouts every call to it is bounded by.
 */
public final class DockerHost {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_AGENTS = 10;

    private final String name;
    private final URI uri;
    private final TlsMaterial tls;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final int maxAgents;

    public DockerHost(String name, URI uri, TlsMaterial tls, Duration connectTimeout, Duration responseTimeout,
            int maxAgents) {
        this.name = requireText(name, "name");
        this.uri = Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme();
        if (!"unix".equals(scheme) && !"tcp".equals(scheme)) {
            throw new IllegalArgumentException("Docker host '" + name + "': uri '" + uri
                    + "' must start with unix:// or tcp://");
        }
        if (tls != null && !"tcp".equals(scheme)) {
            throw new IllegalArgumentException("Docker host '" + name + "': TLS needs a tcp:// uri, not '" + uri + "'");
        }
        this.tls = tls;
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
        this.responseTimeout = positive(responseTimeout, "responseTimeout");
        if (maxAgents < 1 || maxAgents > 10_000) {
            throw new IllegalArgumentException("Docker host '" + name + "': maxAgents must be between 1 and 10000, not "
                    + maxAgents);
        }
        this.maxAgents = maxAgents;
    }

    /** The local engine at {@code /var/run/docker.sock} with default timeouts and limits. */
    public static DockerHost local() {
        return of("local", URI.create("unix:///var/run/docker.sock"), null);
    }

    /** A host with default timeouts and limits. */
    public static DockerHost of(String name, URI uri, TlsMaterial tls) {
        return new DockerHost(name, uri, tls, DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, DEFAULT_MAX_AGENTS);
    }

    public DockerHost withMaxAgents(int max) {
        return new DockerHost(name, uri, tls, connectTimeout, responseTimeout, max);
    }

    public DockerHost withTimeouts(Duration connect, Duration response) {
        return new DockerHost(name, uri, tls, connect, response, maxAgents);
    }

    public String name() {
        return name;
    }

    public URI uri() {
        return uri;
    }

    /** TLS client material, or {@code null} for a unix socket or plain TCP. */
    public TlsMaterial tls() {
        return tls;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration responseTimeout() {
        return responseTimeout;
    }

    public int maxAgents() {
        return maxAgents;
    }

    @Override
    public String toString() {
        return name + " (" + uri + (tls != null ? ", TLS" : "") + ")";
    }

    private static String requireText(String s, String field) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("Docker host: " + field + " must not be empty");
        }
        return s;
    }

    private static Duration positive(Duration d, String field) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("Docker host: " + field + " must be a positive duration, not " + d);
        }
        return d;
    }

    /** PEM-encoded client key and certificate plus the CA that signed the server's certificate. */
    public record TlsMaterial(String clientKeyPem, String clientCertPem, String caCertPem) {
        public TlsMaterial {
            Objects.requireNonNull(clientKeyPem, "clientKeyPem");
            Objects.requireNonNull(clientCertPem, "clientCertPem");
            Objects.requireNonNull(caCertPem, "caCertPem");
        }

        @Override
        public String toString() {
            return "TlsMaterial[key=<hidden>]";
        }
    }
}
