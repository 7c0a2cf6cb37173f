package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import io.jenkins.plugins.syscontainer.testsupport.TlsDockerDaemon;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end scenario over TLS TCP against a second dockerd with --tlsverify; clients without a certificate
 * from its CA are refused.
 */
class TlsEndToEndDockerTest {
    private static TlsDockerDaemon daemon;

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = TlsDockerDaemon.start(DockerTestSupport.AGENT_IMAGE, DockerTestSupport.TINY_IMAGE);
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void endToEndOverTls() throws Exception {
        DockerHost tlsHost = daemon.host("tls", daemon.clientTls());
        try (EngineFixture fx = new EngineFixture(List.of(tlsHost))) {
            DockerClient remote = fx.engine.host("tls").api();
            EndToEndScenario.run(fx.engine, remote, fx);
        }
    }

    @Test
    void aClientWithACertificateFromAnotherCaIsRefused() throws Exception {
        try (DockerBackend engine = new DockerBackend("test-rogue",
                List.of(daemon.host("rogue", daemon.rogueTls())), SecurityPolicy.defaultPolicy())) {
            ProvisioningException e = assertThrows(ProvisioningException.class, () -> engine.provision(
                    new ProvisionRequest(new AgentIdentity("test-rogue", "c", "t", "rogue-1"),
                            EngineFixture.agentSpec().build(), null, null), ProvisioningEvent.Listener.NONE));
            assertEquals(FailureKind.HOST_UNAVAILABLE, e.kind(), e.getMessage());
            System.out.println("tls: rogue client refused: " + e.getMessage());
        }
    }

    @Test
    void aClientWithoutTlsIsRefused() throws Exception {
        DockerHost plain = DockerHost.of("plain", URI.create("tcp://127.0.0.1:" + daemon.port), null);
        try (DockerClient c = DockerClients.api(plain)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> c.pingCmd().exec());
            System.out.println("tls: plain client refused: " + e);
            assertTrue(String.valueOf(e.getMessage()).contains("HTTPS"), e.toString());
        }
    }
}
