package io.jenkins.plugins.syscontainer.testsupport;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.docker.DockerBackend;
import io.jenkins.plugins.syscontainer.engine.docker.DockerHost;
import io.jenkins.plugins.syscontainer.engine.docker.ImageTransfer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine on the local Docker with a controller id of its own, so a test sees only what it created; {@link #close}
 * removes whatever is still labelled with that id.
 */
public final class EngineFixture implements AutoCloseable {
    public final String controllerId = "test-" + UUID.randomUUID().toString().substring(0, 8);
    public final DockerClient docker;
    public final DockerBackend engine;
    private final AtomicInteger seq = new AtomicInteger();

    public EngineFixture() {
        this(List.of(DockerHost.local().withMaxAgents(20)));
    }

    public EngineFixture(List<DockerHost> hosts) {
        this(hosts, java.time.Clock.systemUTC());
    }

    /** With a clock of the test's: back-offs, leases and ages then move only when the test says so. */
    public EngineFixture(List<DockerHost> hosts, java.time.Clock clock) {
        docker = DockerTestSupport.client();
        DockerTestSupport.requireImage(DockerTestSupport.AGENT_IMAGE);
        engine = new DockerBackend(controllerId, hosts, SecurityPolicy.defaultPolicy(), null, clock, null);
    }

    public static SystemContainerSpec.Builder agentSpec() {
        return SystemContainerSpec.builder(DockerTestSupport.AGENT_IMAGE).memoryBytes(1L << 30);
    }

    public AgentIdentity identity(String prefix) {
        return new AgentIdentity(controllerId, "test-cloud", "test-template",
                prefix + "-" + controllerId.substring(5) + "-" + seq.incrementAndGet());
    }

    public ProvisionRequest request(String prefix, SystemContainerSpec spec) {
        return new ProvisionRequest(identity(prefix), spec, null, Duration.ofSeconds(60));
    }

    /** This fixture's containers, running or not. */
    public List<Container> containers() {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.CONTROLLER, controllerId)).exec();
    }

    /** Copies the tiny test image into a container's inner Docker. */
    public static void loadTinyImage(DockerClient docker, String containerId) throws Exception {
        DockerTestSupport.requireImage(DockerTestSupport.TINY_IMAGE);
        var r = io.jenkins.plugins.syscontainer.engine.docker.ImageTransfer.copyFromHost(docker, containerId,
                DockerTestSupport.TINY_IMAGE, Duration.ofSeconds(60));
        if (!r.ok()) {
            throw new AssertionError("docker load in the agent failed: " + r);
        }
    }

    @Override
    public void close() throws Exception {
        for (Container c : containers()) {
            docker.removeContainerCmd(c.getId()).withForce(true).exec();
        }
        docker.listVolumesCmd().withFilter("label", List.of(Labels.CONTROLLER + "=" + controllerId)).exec()
                .getVolumes().forEach(v -> docker.removeVolumeCmd(v.getName()).exec());
        engine.close();
    }

}
