package io.jenkins.plugins.syscontainer.engine.docker;

import static io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport.REGISTRY_AGENT_IMAGE;
import static io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport.REGISTRY_PASSWORD;
import static io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport.REGISTRY_USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.NotFoundException;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ImageSource;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pulling the agent image from a registry that wants credentials: the local registry of {@code .ci/start-registry.sh}
 * (basic auth), which holds the agent image; the host has the layers but not the tag, so only the engine's pull, with
 * the credentials it sends, can make the image appear. The Docker CLI is logged out of that registry.
 */
class ImagePullDockerTest {
    private static ProvisionRequest request(EngineFixture fx, String prefix, ImageSource source) {
        SystemContainerSpec spec = EngineFixture.agentSpec().image(REGISTRY_AGENT_IMAGE).build();
        return new ProvisionRequest(fx.identity(prefix), spec, null, null, Duration.ofSeconds(60), source);
    }

    private static void removeLocalTag(EngineFixture fx) {
        try {
            fx.docker.removeImageCmd(REGISTRY_AGENT_IMAGE).exec(); // the tag only: the layers stay with the base image
        } catch (NotFoundException e) {
            // not there
        }
    }

    @Test
    void aMissingImageIsPulledWithTheTemplatesCredentialsWhichNoContainerSees() throws Exception {
        DockerTestSupport.requireRegistry();
        try (EngineFixture fx = new EngineFixture()) {
            removeLocalTag(fx);
            ImageSource source = new ImageSource(ImageSource.PullPolicy.IF_MISSING,
                    new ImageSource.RegistryAuth(REGISTRY_USER, REGISTRY_PASSWORD), Duration.ofMinutes(5));
            List<ProvisioningEvent> events = new ArrayList<>();
            DockerAgent a = fx.engine.provision(request(fx, "pull", source), events::add);
            ProvisioningEvent pulled = events.stream().filter(e -> e.step() == ProvisioningEvent.Step.IMAGE_PULLED)
                    .findFirst().orElseThrow(() -> new AssertionError("no IMAGE_PULLED step: " + events));
            System.out.println("pull: " + pulled);
            assertTrue(events.stream().anyMatch(e -> e.step() == ProvisioningEvent.Step.INNER_DOCKER_READY), events.toString());
            String inspect = new ObjectMapper().writeValueAsString(fx.docker.inspectContainerCmd(a.containerId()).exec());
            assertFalse(inspect.contains(REGISTRY_PASSWORD), "the registry password is not in the container");
            fx.engine.terminate(a, false, ProvisioningEvent.Listener.NONE);

            List<ProvisioningEvent> again = new ArrayList<>();
            DockerAgent b = fx.engine.provision(request(fx, "present", source), again::add);
            assertTrue(again.stream().noneMatch(e -> e.step() == ProvisioningEvent.Step.IMAGE_PULLED),
                    "if-missing makes no pull when the host has the image: " + again);
            fx.engine.terminate(b, false, ProvisioningEvent.Listener.NONE);
        }
    }

    @Test
    void aRefusedPullIsAnImageMissingFailureThatNamesTheUserButNotThePassword() throws Exception {
        DockerTestSupport.requireRegistry();
        try (EngineFixture fx = new EngineFixture()) {
            removeLocalTag(fx);
            String wrong = "not-the-password-4711";
            ImageSource bad = new ImageSource(ImageSource.PullPolicy.IF_MISSING,
                    new ImageSource.RegistryAuth(REGISTRY_USER, wrong), Duration.ofMinutes(1));
            long t0 = System.nanoTime();
            ProvisioningException e = assertThrows(ProvisioningException.class,
                    () -> fx.engine.provision(request(fx, "denied", bad), ProvisioningEvent.Listener.NONE));
            System.out.printf("pull: refused in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, e.getMessage());
            assertEquals(FailureKind.IMAGE_MISSING, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("as user '" + REGISTRY_USER + "'"), e.getMessage());
            assertFalse(e.getMessage().contains(wrong), "the password is never in a message");
            assertEquals(List.of(), fx.containers(), "nothing left behind");

            ProvisioningException anonymous = assertThrows(ProvisioningException.class,
                    () -> fx.engine.provision(request(fx, "anon", ImageSource.DEFAULT), ProvisioningEvent.Listener.NONE));
            assertEquals(FailureKind.IMAGE_MISSING, anonymous.kind(), anonymous.getMessage());
            assertTrue(anonymous.getMessage().contains("no registry credentials given"), anonymous.getMessage());
        }
    }

    @Test
    void pullPolicyAlwaysPullsEvenWhenTheImageIsThere() throws Exception {
        DockerTestSupport.requireRegistry();
        try (EngineFixture fx = new EngineFixture()) {
            ImageSource always = new ImageSource(ImageSource.PullPolicy.ALWAYS,
                    new ImageSource.RegistryAuth(REGISTRY_USER, REGISTRY_PASSWORD), Duration.ofMinutes(5));
            ImagePull.pull(fx.engine.managedHosts().get(0), REGISTRY_AGENT_IMAGE, always); // the host has it now
            fx.docker.inspectImageCmd(REGISTRY_AGENT_IMAGE).exec();
            List<ProvisioningEvent> events = new ArrayList<>();
            DockerAgent a = fx.engine.provision(request(fx, "always", always), events::add);
            assertTrue(events.stream().anyMatch(e -> e.step() == ProvisioningEvent.Step.IMAGE_PULLED),
                    "policy always pulls although the host has the image: " + events);
            fx.engine.terminate(a, false, ProvisioningEvent.Listener.NONE);

            // The registry refuses (or is down): "always" falls back to the host's copy instead of failing the agent.
            ImageSource wrong = new ImageSource(ImageSource.PullPolicy.ALWAYS,
                    new ImageSource.RegistryAuth(REGISTRY_USER, "wrong-password-0815"), Duration.ofMinutes(1));
            List<ProvisioningEvent> fallback = new ArrayList<>();
            DockerAgent b = fx.engine.provision(request(fx, "fallback", wrong), fallback::add);
            ProvisioningEvent used = fallback.stream().filter(e -> e.step() == ProvisioningEvent.Step.IMAGE_PULLED)
                    .findFirst().orElseThrow();
            assertTrue(used.detail().contains("not refreshed, the host's copy is used"), used.toString());
            assertFalse(used.detail().contains("wrong-password-0815"));
            fx.engine.terminate(b, false, ProvisioningEvent.Listener.NONE);
        }
    }

    @Test
    void anUnreachableRegistryIsNotATemplateErrorAndIsTriedElsewhere() throws Exception {
        DockerTestSupport.requireImage(DockerTestSupport.AGENT_IMAGE);
        try (EngineFixture fx = new EngineFixture()) {
            SystemContainerSpec spec = EngineFixture.agentSpec().image("127.0.0.1:1/sca/agent:latest").build();
            ProvisioningException e = assertThrows(ProvisioningException.class, () -> fx.engine.provision(
                    new ProvisionRequest(fx.identity("unreachable"), spec, null, null, Duration.ofSeconds(60), ImageSource.DEFAULT),
                    ProvisioningEvent.Listener.NONE));
            System.out.println("pull: unreachable registry: " + e.getMessage());
            assertEquals(FailureKind.UNKNOWN, e.kind(), e.getMessage());
            assertTrue(e.kind().tryElsewhere(), "another host may reach the registry");
            assertEquals(List.of(), fx.containers());
        }
    }
}
