package io.jenkins.plugins.syscontainer.engine;

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

    private final String name;
    private final URI uri;
    private final TlsMaterial tls;
    private final Duration connectTimeout;
    private final Duration responseTimeout;

    public DockerHost(String name, URI uri, TlsMaterial tls, Duration connectTimeout, Duration responseTimeout) {
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
    }

    /** The local engine at {@code /var/run/docker.sock} with default timeouts. */
    public static DockerHost local() {
        return new DockerHost("local", URI.create("unix:///var/run/docker.sock"), null,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT);
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
