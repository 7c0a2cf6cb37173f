package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The engine's Docker clients offer no registry credentials of their own: docker-java would otherwise attach the
 * controller's (here set through docker-java's {@code registry.*} system properties, as an administrator's shell or
 * ~/.docker/config.json would) to every pull and create, on every host.
 */
class NoAmbientCredentialsTest {
    @Test
    void clientsSendNoCredentialsTheTemplateDidNotName() throws Exception {
        System.setProperty("registry.username", "ambient-user");
        System.setProperty("registry.password", "ambient-password");
        System.setProperty("registry.url", "https://index.docker.io/v1/");
        try {
            assertNotNull(DefaultDockerClientConfig.createDefaultConfigBuilder().build().effectiveAuthConfig("busybox"),
                    "docker-java's own configuration does pick up the ambient credentials");
            try (DockerClient c = DockerClients.api(DockerHost.local())) {
                assertNull(c.pullImageCmd("busybox").getAuthConfig(), "pull");
                assertNull(c.createContainerCmd("busybox").getAuthConfig(), "create");
            }
        } finally {
            System.clearProperty("registry.username");
            System.clearProperty("registry.password");
            System.clearProperty("registry.url");
        }
        assertEquals(null, System.getProperty("registry.password"));
    }
}
