package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end run shared by the unix-socket and TLS tests: provision with a cache volume, check the container is
 * what the policy allows, run an inner container, push 10 MB through the exec channel both ways, put a file, then
 * terminate (twice, concurrently) and check nothing is left.
 */
final class EndToEndScenario {
    static final int CHANNEL_BYTES = 10 * 1024 * 1024;

    private EndToEndScenario() {
    }

    static void run(DockerBackend engine, DockerClient docker, EngineFixture fx) throws Exception {
        DockerAgent agent = engine.provision(fx.request("e2e", EngineFixture.agentSpec().build()),
                e -> System.out.println("e2e: " + e));
        String id = agent.containerId();
        String volume = agent.cacheVolume();
        assertTrue(agent.timings().stream().anyMatch(e -> e.step() == ProvisioningEvent.Step.INNER_DOCKER_READY));

        InspectContainerResponse inspect = docker.inspectContainerCmd(id).exec();
        assertEquals("sysbox-runc", inspect.getHostConfig().getRuntime());
        assertFalse(Boolean.TRUE.equals(inspect.getHostConfig().getPrivileged()));
        assertEquals(1, inspect.getMounts().size());
        assertEquals(volume, inspect.getMounts().get(0).getName());
        assertEquals("/var/lib/docker", inspect.getMounts().get(0).getDestination().getPath());
        assertEquals(agent.agentName(), inspect.getConfig().getLabels().get(Labels.AGENT));
        assertEquals(fx.controllerId, inspect.getConfig().getLabels().get(Labels.CONTROLLER));

        EngineFixture.loadTinyImage(docker, id);
        ContainerExec exec = new ContainerExec(docker);
        ExecResult inner = exec.run(id, List.of("docker", "run", "--rm", DockerTestSupport.TINY_IMAGE,
                "sh", "-c", "echo inner-$((6*7))"), Duration.ofSeconds(60));
        assertTrue(inner.ok(), "inner docker run: " + inner);
        assertEquals("inner-42", inner.stdout().strip());

        channelRoundTrip(agent);

        byte[] file = new byte[1 << 20];
        new Random(7).nextBytes(file);
        exec.putFile(id, "/home/jenkins/agent/remoting.jar", file, "0644", "jenkins", Duration.ofSeconds(30));
        ExecResult sum = exec.run(id, List.of("sh", "-c", "sha256sum /home/jenkins/agent/remoting.jar;"
                + " stat -c %U /home/jenkins/agent/remoting.jar"), null, null, Duration.ofSeconds(10));
        assertEquals(sha256(file) + "  /home/jenkins/agent/remoting.jar\njenkins", sum.stdout().strip());

        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> engine.terminate(agent, false, ProvisioningEvent.Listener.NONE));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> engine.terminate(agent, false, ProvisioningEvent.Listener.NONE));
        CompletableFuture.allOf(a, b).get(60, TimeUnit.SECONDS);
        engine.terminate(agent, false, ProvisioningEvent.Listener.NONE);
        assertTrue(agent.isTerminated());
        assertThrows(NotFoundException.class, () -> docker.inspectContainerCmd(id).exec(), "container left behind");
        assertThrows(NotFoundException.class, () -> docker.inspectVolumeCmd(volume).exec(), "throw-away volume left behind");
        assertEquals(List.of(), fx.containers());
        assertEquals(0, engine.managedHosts().get(0).activeAgents(), "host slot not released");
    }

    /** 10 MB of random bytes into the exec's stdin and the same 10 MB back out of its stdout, checked by digest. */
    static void channelRoundTrip(DockerAgent agent) throws Exception {
        byte[] payload = new byte[CHANNEL_BYTES];
        new Random(42).nextBytes(payload);
        long t = System.nanoTime();
        ByteArrayOutputStream back = new ByteArrayOutputStream(CHANNEL_BYTES);
        Integer exit;
        try (ExecStream s = ExecStream.open(agent.host().streaming(), agent.containerId(),
                List.of("head", "-c", String.valueOf(CHANNEL_BYTES)), null, bytes -> System.err.write(bytes, 0, bytes.length))) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream in = s.stdin()) {
                    for (int off = 0; off < payload.length; off += 64 * 1024) {
                        in.write(payload, off, Math.min(64 * 1024, payload.length - off));
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            InputStream out = s.stdout();
            byte[] buf = new byte[64 * 1024];
            for (int n; back.size() < CHANNEL_BYTES && (n = out.read(buf)) >= 0; ) {
                back.write(buf, 0, n);
            }
            writer.get(60, TimeUnit.SECONDS);
            exit = s.awaitExit(Duration.ofSeconds(30));
        }
        System.out.printf("e2e: exec channel carried %d MiB each way in %d ms%n", CHANNEL_BYTES >> 20,
                (System.nanoTime() - t) / 1_000_000);
        assertEquals(0, exit);
        assertEquals(CHANNEL_BYTES, back.size());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(payload),
                MessageDigest.getInstance("SHA-256").digest(back.toByteArray()), "channel corrupted the data");
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
