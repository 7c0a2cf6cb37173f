package io.jenkins.plugins.syscontainer.testsupport;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.jenkins.plugins.syscontainer.engine.docker.DockerClients;
import io.jenkins.plugins.syscontainer.engine.docker.DockerHost;
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
    /**
     * The CI stand-in ({@code .ci/sysbox-runc-standin}, runc with a loosened bundle and NO isolation), registered under
     * this name by {@code .ci/start-docker.sh}. Only tests whose point is that a runtime that is not Sysbox is detected
     * use it.
     */
    public static final String STANDIN_RUNTIME = "ci-standin-runc";

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

    /** Skips (or, in CI, fails) unless the engine has the CI stand-in runtime registered. */
    public static void requireStandIn() {
        var runtimes = client().infoCmd().exec().getRuntimes();
        if (runtimes == null || !runtimes.containsKey(STANDIN_RUNTIME)) {
            absent("the Docker engine has no runtime named " + STANDIN_RUNTIME + " (run .ci/start-docker.sh)");
        }
    }

    /**
     * Skips (or, with {@code SCA_REQUIRE_SYSBOX=1}, fails) unless {@code sysbox-runc} is the real Sysbox: its
     * containers run in a user namespace whose uid_map is not the identity. Asked of a throwaway container.
     */
    public static void requireRealSysbox() {
        requireImage(TINY_IMAGE);
        String map = runOnce(RUNTIME, TINY_IMAGE, "cat", "/proc/self/uid_map").strip();
        if (map.isEmpty() || map.matches("0\\s+0\\s+4294967295")) {
            String why = "the runtime " + RUNTIME + " is not the real Sysbox (uid_map '" + map + "'); start it with"
                    + " .ci/start-docker.sh, which uses ../shared/sysbox";
            if ("1".equals(System.getenv("SCA_REQUIRE_SYSBOX"))) {
                Assertions.fail("SCA_REQUIRE_SYSBOX=1 but " + why);
            }
            absent(why);
        }
    }

    /** Runs a command in a fresh container of the given runtime and returns its output (the container is removed). */
    public static String runOnce(String runtime, String image, String... cmd) {
        DockerClient d = client();
        String id = d.createContainerCmd(image).withCmd(cmd)
                .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig().withRuntime(runtime)).exec().getId();
        try {
            d.startContainerCmd(id).exec();
            d.waitContainerCmd(id).start().awaitStatusCode(60, java.util.concurrent.TimeUnit.SECONDS);
            StringBuilder sb = new StringBuilder();
            try {
                d.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Frame f) {
                        sb.append(new String(f.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }).awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return sb.toString();
        } finally {
            d.removeContainerCmd(id).withForce(true).exec();
        }
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
