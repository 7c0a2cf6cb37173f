package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refusal of the security policy, tried for real through the engine against Docker: each fails as a bad
 * template naming the field, and no container or volume is created.
 */
class PolicyRefusalDockerTest {
    private static EngineFixture fx;

    @BeforeAll
    static void setUp() {
        fx = new EngineFixture();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                refusal("privileged", b -> b.privileged(true)),
                refusal("pid", b -> b.namespaceMode("pid", "host")),
                refusal("ipc", b -> b.namespaceMode("ipc", "host")),
                refusal("uts", b -> b.namespaceMode("uts", "host")),
                refusal("userns", b -> b.namespaceMode("userns", "host")),
                refusal("network", b -> b.network("host")),
                refusal("binds", b -> b.bind("/var/run/docker.sock:/var/run/docker.sock")),
                refusal("binds", b -> b.bind("/var/lib/docker:/var/lib/docker")),
                refusal("binds", b -> b.bind("/etc:/host-etc:ro")),
                refusal("volumesFrom", b -> b.volumesFrom("some-other-agent")),
                refusal("devices", b -> b.device("/dev/sda:/dev/sda")),
                refusal("capAdd", b -> b.capAdd("SYS_ADMIN")),
                refusal("securityOpts", b -> b.securityOpt("seccomp=unconfined")),
                refusal("runtime", b -> b.runtime("runc")),
                refusal("image", b -> b.image("Not A/Valid:image:ref")),
                refusal("memory", b -> b.memoryBytes(-1)),
                refusal("cpus", b -> b.cpus(10_000)),
                refusal("pidsLimit", b -> b.pidsLimit(0)),
                refusal("labels", b -> b.label("io.jenkins.syscontainer.agent", "spoofed")),
                refusal("env", b -> b.env("A=B", "x")),
                refusal("env", b -> b.env("JENKINS_SECRET", "s3cr3t")));
    }

    private static Arguments refusal(String field, UnaryOperator<SystemContainerSpec.Builder> change) {
        return Arguments.of(field, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedBeforeAnyContainerIsCreated(String field, UnaryOperator<SystemContainerSpec.Builder> change)
            throws Exception {
        SystemContainerSpec spec = change.apply(EngineFixture.agentSpec()).build();
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> fx.engine.provision(fx.request("refused", spec), ProvisioningEvent.Listener.NONE));
        assertEquals(FailureKind.BAD_TEMPLATE, e.kind());
        assertTrue(e.getMessage().contains("field '" + field + "'"), e.getMessage());
        assertEquals(List.of(), fx.containers(), "a container was created for a refused spec");
        assertEquals(0, fx.docker.listVolumesCmd().withFilter("label",
                List.of(Labels.CONTROLLER + "=" + fx.controllerId)).exec().getVolumes().size(), "a volume was created");
        assertEquals(0, fx.engine.managedHosts().get(0).activeAgents());
    }
}
