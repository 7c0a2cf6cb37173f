package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.core.SSLConfig;
import java.net.URI;

/**
 * A docker-java client configuration that never offers registry credentials of its own. Left alone, docker-java
 * attaches the controller's ambient credentials (the Jenkins user's {@code ~/.docker/config.json}, or {@code registry.*}
 * settings) to pulls and creates on every host; here only the credentials a template names are ever sent, explicitly.
 */
final class NoAmbientCredentials implements DockerClientConfig {
    private final DockerClientConfig delegate;

    NoAmbientCredentials(DockerClientConfig delegate) {
        this.delegate = delegate;
    }

    @Override
    public URI getDockerHost() {
        return delegate.getDockerHost();
    }

    @Override
    public RemoteApiVersion getApiVersion() {
        return delegate.getApiVersion();
    }

    @Override
    public String getRegistryUsername() {
        return null;
    }

    @Override
    public String getRegistryPassword() {
        return null;
    }

    @Override
    public String getRegistryEmail() {
        return null;
    }

    @Override
    public String getRegistryUrl() {
        return delegate.getRegistryUrl();
    }

    @Override
    public AuthConfig effectiveAuthConfig(String imageName) {
        return null;
    }

    @Override
    public AuthConfigurations getAuthConfigurations() {
        return new AuthConfigurations();
    }

    @Override
    public SSLConfig getSSLConfig() {
        return delegate.getSSLConfig();
    }

    @Override
    public com.fasterxml.jackson.databind.ObjectMapper getObjectMapper() {
        return delegate.getObjectMapper();
    }
}
