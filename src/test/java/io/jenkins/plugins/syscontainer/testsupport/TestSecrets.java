package io.jenkins.plugins.syscontainer.testsupport;

import hudson.Extension;
import io.jenkins.plugins.casc.SecretSource;
import java.util.Map;
import java.util.Optional;

/**
 * The secrets the docs' configuration-as-code example names (${BUILD_1_DOCKER_KEY}, ...), as an environment or a vault
 * would give them to configuration as code; only these names are answered.
 */
@Extension(optional = true)
public final class TestSecrets extends SecretSource {
    public static final Map<String, String> SECRETS = Map.of(
            "BUILD_1_DOCKER_KEY", "-----BEGIN PRIVATE KEY-----\nb25l\n-----END PRIVATE KEY-----\n",
            "BUILD_1_DOCKER_CERT", "-----BEGIN CERTIFICATE-----\ndHdv\n-----END CERTIFICATE-----\n",
            "BUILD_2_DOCKER_KEY", "-----BEGIN PRIVATE KEY-----\ndGhyZWU=\n-----END PRIVATE KEY-----\n",
            "BUILD_2_DOCKER_CERT", "-----BEGIN CERTIFICATE-----\nZm91cg==\n-----END CERTIFICATE-----\n",
            "DOCKER_CA", "-----BEGIN CERTIFICATE-----\nZml2ZQ==\n-----END CERTIFICATE-----\n",
            "REGISTRY_PASSWORD", "registry-s3cret");

    @Override
    public Optional<String> reveal(String secret) {
        return Optional.ofNullable(SECRETS.get(secret));
    }
}
