package io.jenkins.plugins.syscontainer.engine;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
