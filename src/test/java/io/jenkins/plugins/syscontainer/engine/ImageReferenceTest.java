package io.jenkins.plugins.syscontainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
    @ParameterizedTest
    @ValueSource(strings = {"ubuntu", "ubuntu:24.04", "library/ubuntu", "docker.io/library/ubuntu:latest",
        "localhost:5000/agent", "registry.example.com/team/sub/agent:v1.2_3", "system-container-agent:latest",
        "a__b/c.d-e", "agent@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "host.example:443/x:tag@sha256:0123456789abcdef0123456789abcdef"})
    void valid(String ref) {
        assertNull(ImageReference.problem(ref), ref);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "Ubuntu", "ubuntu:", "ubuntu:-x", "-ubuntu", "ubuntu/", "a//b", "ubuntu@sha256:12",
        "bad host:5000/x", " ubuntu", "ubuntu:latest:extra", "a..b"})
    void invalid(String ref) {
        assertNotNull(ImageReference.problem(ref), ref);
    }

    @Test
    void pullNamesAlwaysCarryATagOrDigestAndTheRegistryIsFound() {
        assertEquals(List.of("busybox", "latest"), Arrays.asList(ImageReference.nameAndTag("busybox")));
        assertEquals(List.of("127.0.0.1:5055/sca/agent", "1.2"), Arrays.asList(ImageReference.nameAndTag("127.0.0.1:5055/sca/agent:1.2")));
        assertEquals(List.of("localhost:5000/a", "latest"), Arrays.asList(ImageReference.nameAndTag("localhost:5000/a")));
        String digest = "registry.example.com/ci/agent@sha256:" + "ab".repeat(32);
        assertEquals(Arrays.asList(digest, null), Arrays.asList(ImageReference.nameAndTag(digest)));
        assertEquals("docker.io", ImageReference.registry("maven:3"));
        assertEquals("docker.io", ImageReference.registry("library/maven:3"));
        assertEquals("127.0.0.1:5055", ImageReference.registry("127.0.0.1:5055/sca/agent:latest"));
        assertEquals("registry.example.com", ImageReference.registry(digest));
        assertEquals("localhost", ImageReference.registry("localhost/x"));
    }
}
