package io.jenkins.plugins.syscontainer.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The command-line tool against the real engine. */
class EngineCliDockerTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final String controller = "test-cli-" + UUID.randomUUID().toString().substring(0, 8);

    private int cli(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        int code = new EngineCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(a);
        System.out.println("cli " + String.join(" ", args) + " -> " + code + "\n" + out + err);
        return code;
    }

    @Test
    void probeOnRealSysboxSaysIsolatedAndPasses() {
        DockerTestSupport.requireRealSysbox();
        DockerTestSupport.requireImage(DockerTestSupport.AGENT_IMAGE);
        int code = cli("probe", "--controller-id", controller, "--image", DockerTestSupport.AGENT_IMAGE);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.matches("(?s).*✔ user namespace: uid_map '0 [1-9][0-9]* [1-9][0-9]*'.*"), text);
        assertTrue(text.contains("✔ system container starts, inner Docker answers"), text);
        assertTrue(text.contains("host OK"), text);
        assertNoContainers();
    }

    @Test
    void probeOnTheStandInSaysNotSysboxAndFails() {
        DockerTestSupport.requireStandIn();
        DockerTestSupport.requireImage(DockerTestSupport.AGENT_IMAGE);
        String standIn = DockerTestSupport.STANDIN_RUNTIME;
        int code = cli("probe", "--controller-id", controller, "--image", DockerTestSupport.AGENT_IMAGE,
                "--runtime", standIn, "--allow-runtime", standIn);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, code);
        assertTrue(text.contains("✘ user namespace: not isolated: this runtime is not Sysbox"), text);
        assertTrue(text.contains("✔ runtime registered"), text);
        assertTrue(text.contains("✔ system container starts, inner Docker answers"), text);
        assertTrue(text.contains("host NOT OK"), text);
        assertNoContainers();
    }

    @Test
    void probeJsonOnBothRuntimes() {
        DockerTestSupport.requireRealSysbox();
        DockerTestSupport.requireStandIn();
        DockerTestSupport.requireImage(DockerTestSupport.AGENT_IMAGE);
        assertEquals(0, cli("probe", "--json", "--controller-id", controller));
        String json = out.toString(StandardCharsets.UTF_8).strip();
        assertTrue(json.startsWith("{\"host\":\"cli\",\"ok\":true,"), json);
        assertTrue(json.matches(".*\\{\"check\":\"user namespace\",\"status\":\"PASS\",\"detail\":\"uid_map '0 [1-9].*"), json);
        out.reset();
        String standIn = DockerTestSupport.STANDIN_RUNTIME;
        assertEquals(1, cli("probe", "--json", "--controller-id", controller, "--runtime", standIn, "--allow-runtime", standIn));
        json = out.toString(StandardCharsets.UTF_8).strip();
        assertTrue(json.startsWith("{\"host\":\"cli\",\"ok\":false,"), json);
        assertTrue(json.contains("\"status\":\"FAIL\",\"detail\":\"not isolated: this runtime is not Sysbox"), json);
    }

    @Test
    void runProvisionsRunsAnInnerContainerAndPrintsTimings() {
        DockerTestSupport.requireImage(DockerTestSupport.AGENT_IMAGE);
        DockerTestSupport.requireImage(DockerTestSupport.TINY_IMAGE);
        int code = cli("run", "--controller-id", controller, "--load", DockerTestSupport.TINY_IMAGE, "--",
                "docker", "run", "--rm", DockerTestSupport.TINY_IMAGE, "echo", "hello-from-inner");
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(0, code, err.toString());
        assertEquals("hello-from-inner", lines[0]);
        String json = lines[lines.length - 1];
        assertTrue(json.matches("\\{\"agent\":\"sca-cli-[0-9a-f]{8}\",\"host\":\"cli\",.*\"steps_ms\":\\{\"host_chosen\":\\d+,"
                + "\"volume_leased\":\\d+,\"created\":\\d+,\"started\":\\d+,\"inner_docker_ready\":\\d+},\"exit\":0,"
                + "\"total_ms\":\\d+}"), json);
        assertNoContainers();
    }

    @Test
    void exitCodesClassifyFailures() {
        DockerTestSupport.client();
        assertEquals(2, cli("run", "--controller-id", controller));
        assertEquals(2, cli("frobnicate"));
        assertEquals(3, cli("run", "--controller-id", controller, "--image", "UPPER/case", "--", "true"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("field 'image'"));
        assertEquals(4, cli("run", "--controller-id", controller, "--image", "sca-test/absent:1", "--pull", "never",
                "--", "true"));
        assertEquals(2, cli("run", "--controller-id", controller, "--pull", "sometimes", "--", "true"));
        assertEquals(5, cli("run", "--controller-id", controller, "--allow-runtime", "nope-runc", "--runtime",
                "nope-runc", "--", "true"));
        assertEquals(1, cli("run", "--controller-id", controller, "--", "false"));
        assertNoContainers();
    }

    @Test
    void reapNeedsAControllerIdAndReportsJson() {
        DockerTestSupport.client();
        assertEquals(2, new EngineCli(new PrintStream(out), new PrintStream(err)).execute(List.of("reap")));
        assertEquals(0, cli("reap", "--controller-id", controller, "--grace", "0"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("{\"host\":\"cli\",\"removed\":[],"));
    }

    private void assertNoContainers() {
        assertEquals(List.of(), DockerTestSupport.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.CONTROLLER, controller)).exec());
    }
}
