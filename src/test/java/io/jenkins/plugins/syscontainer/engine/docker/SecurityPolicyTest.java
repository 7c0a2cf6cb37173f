package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.VolumesFrom;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SecurityPolicyTest {
    private final SecurityPolicy policy = SecurityPolicy.defaultPolicy();

    private static SystemContainerSpec.Builder ok() {
        return SystemContainerSpec.builder("registry.example.com:5000/team/agent:1.2");
    }

    @Test
    void aPlainSpecPassesAndDefaultsAreBounded() {
        SystemContainerSpec spec = ok().env("FOO", "bar").label("team", "x").hostname("agent-1")
                .network("builds").workingDir("/home/jenkins").user("jenkins").build();
        assertEquals(List.of(), policy.check(spec));
        assertEquals("sysbox-runc", spec.runtime());
        assertTrue(spec.memoryBytes() > 0 && spec.cpus() > 0 && spec.pidsLimit() > 0, "never unlimited by default");
        assertEquals(Set.of("sysbox-runc"), policy.allowedRuntimes());
    }

    @Test
    void everyViolationIsReportedAtOnceWithFieldValueAndReason() {
        SystemContainerSpec spec = ok().privileged(true).bind("/var/run/docker.sock:/var/run/docker.sock")
                .namespaceMode("pid", "host").capAdd("SYS_ADMIN").build();
        List<SecurityPolicy.Violation> v = policy.check(spec);
        assertEquals(List.of("privileged", "pid", "binds", "capAdd"), v.stream().map(SecurityPolicy.Violation::field).toList());
        assertTrue(v.get(2).toString().startsWith("field 'binds' = '/var/run/docker.sock:/var/run/docker.sock': "
                + "mounting the host's Docker socket is refused"), v.get(2).toString());
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> policy.enforce(spec));
        assertEquals(FailureKind.BAD_TEMPLATE, e.kind());
        assertTrue(e.getMessage().contains("field 'privileged'") && e.getMessage().contains("field 'capAdd'"));
    }

    @Test
    void runtimeAllowlistIsTheAdministrators() {
        SecurityPolicy withRunc = new SecurityPolicy(Set.of("sysbox-runc", "kata"));
        assertEquals(List.of(), withRunc.check(ok().runtime("kata").build()));
        assertEquals("runtime", policy.check(ok().runtime("kata").build()).get(0).field());
        assertEquals("runtime", policy.check(ok().runtime(null).build()).get(0).field());
    }

    @Test
    void malformedValuesAreRejectedByField() {
        assertField("image", b -> b.image(""));
        assertField("image", b -> b.image("ubuntu:"));
        assertField("cpus", b -> b.cpus(0));
        assertField("cpus", b -> b.cpus(Double.NaN));
        assertField("memory", b -> b.memoryBytes(1024));
        assertField("pidsLimit", b -> b.pidsLimit(10_000_000));
        assertField("env", b -> b.env("", "x"));
        assertField("env", b -> b.env("JENKINS_AGENT_SECRET", "x"));
        assertField("env", b -> b.env("OK", "nul\0"));
        assertField("labels", b -> b.label("Upper.Case", "x"));
        assertField("labels", b -> b.label("com.docker.compose.project", "x"));
        assertField("hostname", b -> b.hostname("bad_host"));
        assertField("network", b -> b.network("container:other"));
        assertField("network", b -> b.network("bad name"));
        assertField("workingDir", b -> b.workingDir("relative"));
        assertField("user", b -> b.user("root; rm -rf /"));
        assertField("cgroupns", b -> b.namespaceMode("cgroupns", "host"));
        assertEquals(List.of(), policy.check(ok().namespaceMode("cgroupns", "private").build()));
    }

    private void assertField(String field, UnaryOperator<SystemContainerSpec.Builder> change) {
        List<SecurityPolicy.Violation> v = policy.check(change.apply(ok()).build());
        assertEquals(1, v.size(), v.toString());
        assertEquals(field, v.get(0).field(), v.toString());
    }

    @Test
    void verifyIsTheLastGateOnTheDockerRequest() throws Exception {
        HostConfig good = AgentProvisioner.hostConfig(ok().build(), "cache-1");
        HostConfigPolicy.verify(policy, good);
        assertEquals(Boolean.FALSE, good.getPrivileged());
        assertRefused(base().withPrivileged(true));
        assertRefused(base().withRuntime("runc"));
        assertRefused(base().withPidMode("host"));
        assertRefused(base().withIpcMode("host"));
        assertRefused(base().withUtSMode("host"));
        assertRefused(base().withUsernsMode("host"));
        assertRefused(base().withNetworkMode("host"));
        assertRefused(base().withBinds(Bind.parse("/var/run/docker.sock:/var/run/docker.sock")));
        assertRefused(base().withVolumesFrom(new VolumesFrom("other")));
        assertRefused(base().withDevices(Device.parse("/dev/sda")));
        assertRefused(base().withCapAdd(Capability.SYS_ADMIN));
        assertRefused(base().withSecurityOpts(List.of("apparmor=unconfined")));
        assertRefused(base().withMounts(List.of(new Mount().withType(MountType.BIND).withSource("/").withTarget("/host"))));
    }

    private static HostConfig base() {
        return AgentProvisioner.hostConfig(ok().build(), "cache-1");
    }

    private void assertRefused(HostConfig hc) {
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> HostConfigPolicy.verify(policy, hc));
        assertEquals(FailureKind.BAD_TEMPLATE, e.kind());
    }
}
