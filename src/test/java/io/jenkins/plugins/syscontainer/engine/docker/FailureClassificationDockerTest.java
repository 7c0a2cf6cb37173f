package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ImageSource;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Real Docker failures come back as the right {@link FailureKind}, with nothing left behind. */
class FailureClassificationDockerTest {
    @Test
    void missingImageIsClassifiedAndSaysHowToFix() throws Exception {
        try (EngineFixture fx = new EngineFixture()) {
            SystemContainerSpec spec = EngineFixture.agentSpec().image("sca-test/no-such-image:1").build();
            ProvisionRequest never = new ProvisionRequest(fx.identity("noimg"), spec, null, null, Duration.ofSeconds(60),
                    new ImageSource(ImageSource.PullPolicy.NEVER, null, null));
            ProvisioningException e = assertThrows(ProvisioningException.class,
                    () -> fx.engine.provision(never, ProvisioningEvent.Listener.NONE));
            assertEquals(FailureKind.IMAGE_MISSING, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("sca-test/no-such-image:1") && e.getMessage().contains("docker load"),
                    e.getMessage());
            assertTrue(e.kind().templateFatal(), "the only host refused: the template is at fault");
            assertEquals(List.of(), fx.containers());
            assertEquals(List.of(), fx.docker.listVolumesCmd().withFilter("label",
                    List.of(io.jenkins.plugins.syscontainer.engine.Labels.CONTROLLER + "=" + fx.controllerId)).exec()
                    .getVolumes(), "no volume is made before the image is known to be there");
        }
    }

    @Test
    void missingRuntimeIsClassifiedAndPointsAtValidate() throws Exception {
        try (EngineFixture fx = new EngineFixture()) {
            DockerBackend engine = new DockerBackend(fx.controllerId, fx.engine.managedHosts().stream()
                    .map(ManagedHost::config).toList(), new SecurityPolicy(Set.of("sysbox-runc", "no-such-runc")));
            try (engine) {
                SystemContainerSpec spec = EngineFixture.agentSpec().runtime("no-such-runc").build();
                ProvisioningException e = assertThrows(ProvisioningException.class,
                        () -> engine.provision(fx.request("nortm", spec), ProvisioningEvent.Listener.NONE));
                assertEquals(FailureKind.RUNTIME_MISSING, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains("sysbox-node validate"), e.getMessage());
                assertFalse(engine.managedHosts().get(0).health().isAvailable(), "host should be in backoff");
                assertEquals(List.of(), fx.containers());
            }
        }
    }

    @Test
    void missingNetworkNamesTheField() throws Exception {
        try (EngineFixture fx = new EngineFixture()) {
            SystemContainerSpec spec = EngineFixture.agentSpec().network("sca-no-such-net").build();
            ProvisioningException e = assertThrows(ProvisioningException.class,
                    () -> fx.engine.provision(fx.request("nonet", spec), ProvisioningEvent.Listener.NONE));
            assertEquals(FailureKind.BAD_TEMPLATE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("field 'network'"), e.getMessage());
            assertEquals(List.of(), fx.containers(), "the created-but-not-started container must be removed");
        }
    }

    @Test
    void innerDockerThatNeverAnswersIsRetriedOnceOnAFreshVolumeThenFails() throws Exception {
        DockerTestSupport.requireImage(DockerTestSupport.TINY_IMAGE);
        try (EngineFixture fx = new EngineFixture()) {
            // busybox has no dockerd: the inner Docker can never answer.
            SystemContainerSpec spec = EngineFixture.agentSpec().image(DockerTestSupport.TINY_IMAGE)
                    .command(List.of("sleep", "600")).build();
            List<ProvisioningEvent> events = new ArrayList<>();
            long t = System.nanoTime();
            ProvisioningException e = assertThrows(ProvisioningException.class, () -> fx.engine.provision(
                    new ProvisionRequest(fx.identity("notready"), spec, null, Duration.ofSeconds(2)), events::add));
            long ms = (System.nanoTime() - t) / 1_000_000;
            assertEquals(FailureKind.INNER_DOCKER_NOT_READY, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("--- container log (last lines) ---")
                    && e.getMessage().contains("--- inner dockerd log (last lines) ---"), e.getMessage());
            assertEquals(1, events.stream().filter(x -> x.step() == ProvisioningEvent.Step.RETRY).count(), events.toString());
            assertEquals(2, events.stream().filter(x -> x.step() == ProvisioningEvent.Step.VOLUME_LEASED).count());
            assertTrue(ms < 20_000, "two 2 s readiness waits took " + ms + " ms");
            assertEquals(List.of(), fx.containers(), "failed containers must be removed");
        }
    }
}
