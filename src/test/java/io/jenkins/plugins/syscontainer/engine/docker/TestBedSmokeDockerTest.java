package io.jenkins.plugins.syscontainer.engine.docker;

import static io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport.AGENT_IMAGE;
import static io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport.RUNTIME;
import static io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport.TINY_IMAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import io.jenkins.plugins.syscontainer.engine.AgentChannel;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Proves the CI test bed: a system container from the agent image, under runtime sysbox-runc, not privileged, with a
 * fresh named volume at /var/lib/docker, gets a working inner Docker that runs an inner container.
 */
class TestBedSmokeDockerTest {
    @Test
    void agentImageRunsInnerContainerUnderSysboxRuntime() throws Exception {
        DockerClient docker = DockerTestSupport.client();
        DockerTestSupport.requireImage(AGENT_IMAGE);
        DockerTestSupport.requireImage(TINY_IMAGE);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String volume = "sca-smoke-" + suffix;
        Map<String, String> labels = Map.of("io.jenkins.syscontainer.test", "smoke");
        docker.createVolumeCmd().withName(volume).withLabels(labels).exec();
        String id = null;
        try {
            id = docker.createContainerCmd(AGENT_IMAGE)
                    .withName("sca-smoke-" + suffix)
                    .withLabels(labels)
                    .withHostConfig(HostConfig.newHostConfig()
                            .withRuntime(RUNTIME)
                            .withPrivileged(false)
                            .withMounts(List.of(new Mount().withType(MountType.VOLUME)
                                    .withSource(volume).withTarget("/var/lib/docker"))))
                    .exec().getId();
            docker.startContainerCmd(id).exec();

            InspectContainerResponse inspect = docker.inspectContainerCmd(id).exec();
            assertEquals(RUNTIME, inspect.getHostConfig().getRuntime());
            assertFalse(Boolean.TRUE.equals(inspect.getHostConfig().getPrivileged()), "container must not be privileged");
            assertTrue(inspect.getHostConfig().getBinds() == null || inspect.getHostConfig().getBinds().length == 0,
                    "no bind mounts");
            for (Mount m : inspect.getHostConfig().getMounts()) {
                assertEquals(MountType.VOLUME, m.getType(), "only volumes are mounted, got " + m);
            }
            // What the engine reports as mounted: one named volume at /var/lib/docker (a bind mount has no name).
            assertEquals(1, inspect.getMounts().size(), "mounts: " + inspect.getMounts());
            assertEquals(volume, inspect.getMounts().get(0).getName());
            assertEquals("/var/lib/docker", inspect.getMounts().get(0).getDestination().getPath());
            System.out.printf("smoke: container %s runtime=%s privileged=%s mounts=%s%n", id.substring(0, 12),
                    inspect.getHostConfig().getRuntime(), inspect.getHostConfig().getPrivileged(),
                    inspect.getMounts().stream().map(m -> m.getName() + ":" + m.getDestination().getPath()).toList());

            ContainerExec exec = new ContainerExec(docker);
            long t0 = System.nanoTime();
            ExecResult info = null;
            while (System.nanoTime() - t0 < Duration.ofSeconds(60).toNanos()) {
                info = exec.run(id, List.of("docker", "info", "--format", "{{.Driver}}"), Duration.ofSeconds(10));
                if (info.ok() && !info.stdout().isBlank()) { // exit 0 with no driver: the daemon is still starting
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(info != null && info.ok(), "inner Docker did not answer within 60 s: " + info);
            assertEquals("overlay2", info.stdout().trim(), "inner storage driver");
            System.out.printf("smoke: inner Docker ready %d ms after start%n", (System.nanoTime() - t0) / 1_000_000);

            byte[] tar;
            try (InputStream in = docker.saveImageCmd(TINY_IMAGE).exec()) {
                tar = in.readAllBytes();
            }
            ExecResult load = exec.run(id, AgentChannel.shellWithInput(tar.length, "docker load"), null, tar,
                    Duration.ofSeconds(60));
            assertTrue(load.ok(), "docker load inside failed: " + load);

            String marker = "inner-" + suffix;
            ExecResult run = exec.run(id, List.of("docker", "run", "--rm", TINY_IMAGE, "echo", marker),
                    null, null, Duration.ofSeconds(60));
            assertTrue(run.ok(), "inner docker run failed: " + run);
            assertEquals(marker, run.stdout().trim());
        } finally {
            if (id != null) {
                docker.removeContainerCmd(id).withForce(true).exec();
            }
            docker.removeVolumeCmd(volume).exec();
        }
        assertTrue(docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("io.jenkins.syscontainer.test", "smoke")).exec().isEmpty(), "container left behind");
    }
}
