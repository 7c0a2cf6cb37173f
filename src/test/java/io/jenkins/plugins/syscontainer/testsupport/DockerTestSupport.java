package io.jenkins.plugins.syscontainer.testsupport;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.jenkins.plugins.syscontainer.engine.DockerClients;
import io.jenkins.plugins.syscontainer.engine.DockerHost;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Preconditions of the Docker-backed tests (classes named {@code *DockerTest}). Where a precondition is absent the
 * test is skipped with the reason printed, unless {@code SCA_REQUIRE_DOCKER=1} (set by {@code .ci/run}), in which
 * case it fails: CI must never pass with the Docker-backed tests skipped.
 */
public final class DockerTestSupport {
    /** The agent image built by {@code .ci/build-images.sh}. */
    public static final String AGENT_IMAGE = System.getenv().getOrDefault("SCA_AGENT_IMAGE", "system-container-agent:latest");
    /** A tiny static busybox image built by {@code .ci/build-images.sh}, for running inner containers. */
    public static final String TINY_IMAGE = System.getenv().getOrDefault("SCA_TINY_IMAGE", "sca-test/busybox:latest");
    public static final String RUNTIME = "sysbox-runc";

    private static DockerClient client;

    private DockerTestSupport() {
    }

    public static boolean dockerRequired() {
        return "1".equals(System.getenv("SCA_REQUIRE_DOCKER"));
    }

    /** A client to the local engine, after checking it answers and has the sysbox-runc runtime. */
    public static synchronized DockerClient client() {
        if (client == null) {
            DockerClient c = DockerClients.api(DockerHost.local());
            try {
                c.pingCmd().exec();
            } catch (RuntimeException e) {
                absent("no Docker engine answers at unix:///var/run/docker.sock (" + e.getMessage() + ")");
            }
            var runtimes = c.infoCmd().exec().getRuntimes();
            boolean hasRuntime = runtimes != null && runtimes.containsKey(RUNTIME);
            if (!hasRuntime) {
                absent("the Docker engine has no runtime named " + RUNTIME + " (run .ci/start-docker.sh)");
            }
            client = c;
        }
        return client;
    }

    public static void requireImage(String image) {
        try {
            client().inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            absent("image " + image + " is not present (run .ci/build-images.sh)");
        }
    }

    /** The local test registry of {@code .ci/start-registry.sh}: address, user, password, and the agent image in it. */
    public static final String REGISTRY = "127.0.0.1:5055";
    public static final String REGISTRY_USER = "sca-test";
    public static final String REGISTRY_PASSWORD = "sca-test-registry-password";
    public static final String REGISTRY_AGENT_IMAGE = REGISTRY + "/sca/agent:latest";

    /** Checks that the test registry answers (with 401: it wants credentials). */
    public static void requireRegistry() {
        client();
        try {
            var c = (java.net.HttpURLConnection) java.net.URI.create("http://" + REGISTRY + "/v2/").toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            if (c.getResponseCode() != 401) {
                absent("the test registry at " + REGISTRY + " answered " + c.getResponseCode() + ", not 401");
            }
        } catch (java.io.IOException e) {
            absent("no test registry at " + REGISTRY + " (run .ci/start-registry.sh): " + e.getMessage());
        }
    }

    static void absent(String why) {
        if (dockerRequired()) {
            Assertions.fail("SCA_REQUIRE_DOCKER=1 but " + why);
        }
        System.out.println("SKIPPED (Docker-backed test): " + why);
        Assumptions.abort(why);
    }
}
