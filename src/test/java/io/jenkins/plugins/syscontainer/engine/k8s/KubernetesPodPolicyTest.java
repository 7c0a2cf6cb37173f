package io.jenkins.plugins.syscontainer.engine.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ImageSource;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy.Violation;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.k8s.KubernetesSettings.UserNamespaceMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The pod a request becomes, and every refusal of the pod policy: each test changes one field of a pod the policy
 * accepts and expects exactly that field to be named.
 */
class KubernetesPodPolicyTest {
    static final KubernetesSettings SETTINGS = KubernetesSettings.defaults("kubernetes/ci", "ci", "sysbox-runc")
            .withUserNamespace(UserNamespaceMode.HOST_USERS);
    private final PodPolicy policy = new PodPolicy(Set.of("sysbox-runc"));

    static ProvisionRequest request(String agent, String cacheKey) {
        SystemContainerSpec spec = SystemContainerSpec.builder("registry.example.com/ci/agent:1").cpus(1.5)
                .memoryBytes(2L << 30).env("GREETING", "hello").label("team", "platform").build();
        return new ProvisionRequest(new AgentIdentity("controller.ci", "ci", "docker", agent), spec, cacheKey,
                CacheSettings.DEFAULTS, Duration.ofSeconds(45));
    }

    private Pod rendered(String claim) {
        return new PodRenderer(SETTINGS, KubeNames.controllerLabel("controller.ci")).agentPod(request("sca-docker-1a2b",
                "docker"), claim);
    }

    @Test
    void theRenderedPodCarriesEverythingThePolicyRequires() {
        Pod p = rendered(null);
        assertEquals(List.of(), policy.check(p, Set.of()));
        assertEquals("sysbox-runc", p.getSpec().getRuntimeClassName());
        assertEquals(Boolean.FALSE, p.getSpec().getHostUsers());
        assertEquals(Boolean.FALSE, p.getSpec().getAutomountServiceAccountToken());
        assertEquals("Never", p.getSpec().getRestartPolicy());
        Container c = p.getSpec().getContainers().get(0);
        assertEquals("1500m", c.getResources().getLimits().get("cpu").toString());
        assertEquals(c.getResources().getRequests(), c.getResources().getLimits(), "requests equal limits");
        assertEquals("60Gi", c.getResources().getLimits().get("ephemeral-storage").toString(),
                "writable layer (10) and the emptyDir (50)");
        assertEquals("50Gi", p.getSpec().getVolumes().get(0).getEmptyDir().getSizeLimit().toString());
        assertEquals("/var/lib/docker", c.getVolumeMounts().get(0).getMountPath());
        assertTrue(String.join(" ", c.getStartupProbe().getExec().getCommand()).contains("docker info"));
        assertEquals(45, c.getStartupProbe().getFailureThreshold(), "one probe a second for the ready timeout");
        assertEquals("IfNotPresent", c.getImagePullPolicy());
        assertEquals("platform", p.getMetadata().getAnnotations().get("team"), "template labels become annotations");
        assertEquals("sca-docker-1a2b", p.getMetadata().getName());
        assertEquals("agent", p.getMetadata().getLabels().get(KubeNames.ROLE));
        assertEquals("sca-docker-1a2b", p.getMetadata().getAnnotations().get(KubeNames.AGENT_NAME));
        assertTrue(p.getMetadata().getLabels().get(KubeNames.CONTROLLER).length() <= 63);
        assertNull(c.getEnv().stream().filter(e -> e.getValueFrom() != null).findFirst().orElse(null));
    }

    @Test
    void aLeasedClaimIsMountedAndOnlyThatOne() {
        Pod p = rendered("sca-claim-1");
        assertEquals("sca-claim-1", p.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName());
        assertEquals("sca-claim-1", p.getMetadata().getLabels().get(KubeNames.CACHE_VOLUME));
        assertEquals("10Gi", p.getSpec().getContainers().get(0).getResources().getLimits().get("ephemeral-storage")
                .toString(), "the claim is not ephemeral storage");
        assertEquals(List.of(), policy.check(p, Set.of("sca-claim-1")));
        assertFields(List.of("volumes"), policy.check(p, Set.of("sca-claim-2")));
    }

    @Test
    void criOModeAsksByAnnotationInstead() {
        Pod p = new PodRenderer(SETTINGS.withUserNamespace(UserNamespaceMode.CRIO_ANNOTATION), "c-x")
                .agentPod(request("a1", null), null);
        assertNull(p.getSpec().getHostUsers());
        assertEquals("auto:size=65536", p.getMetadata().getAnnotations().get("io.kubernetes.cri-o.userns-mode"));
        assertEquals(List.of(), policy.check(p, Set.of()));
    }

    @Test
    void anAgentNameThatIsNoDnsLabelGetsADigestAndStaysApart() {
        String a = KubeNames.podName("sca-Build_A-1a2b3c4d");
        String b = KubeNames.podName("sca-build-a-1a2b3c4d");
        assertTrue(a.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"), a);
        assertEquals("sca-build-a-1a2b3c4d", b);
        assertFalse(a.equals(b));
        assertTrue(KubeNames.podName("x".repeat(120)).length() <= 63);
        assertTrue(KubeNames.labelValue("ends-with-dash-").startsWith("h-"));
    }

    private Pod edit(UnaryOperator<PodBuilder> change) {
        return change.apply(new PodBuilder(rendered(null))).build();
    }

    private static void assertFields(List<String> expected, List<Violation> got) {
        assertEquals(expected, got.stream().map(Violation::field).toList(), got.toString());
    }

    private void refused(String field, UnaryOperator<PodBuilder> change) {
        List<Violation> v = policy.check(edit(change), Set.of());
        assertFields(List.of(field), v);
    }

    @Test
    void everyRefusalNamesItsField() {
        refused("runtimeClassName", b -> b.editSpec().withRuntimeClassName("runc").endSpec());
        refused("runtimeClassName", b -> b.editSpec().withRuntimeClassName(null).endSpec());
        refused("hostUsers", b -> b.editSpec().withHostUsers(true).endSpec());
        refused("hostUsers", b -> b.editSpec().withHostUsers(null).endSpec());
        refused("automountServiceAccountToken", b -> b.editSpec().withAutomountServiceAccountToken(true).endSpec());
        refused("automountServiceAccountToken", b -> b.editSpec().withAutomountServiceAccountToken(null).endSpec());
        refused("hostNetwork", b -> b.editSpec().withHostNetwork(true).endSpec());
        refused("hostPID", b -> b.editSpec().withHostPID(true).endSpec());
        refused("hostIPC", b -> b.editSpec().withHostIPC(true).endSpec());
        refused("shareProcessNamespace", b -> b.editSpec().withShareProcessNamespace(true).endSpec());
        refused("nodeName", b -> b.editSpec().withNodeName("node-7").endSpec());
        refused("volumes", b -> b.editSpec().addNewVolume().withName("host").withNewHostPath().withPath("/var/run/docker.sock")
                .endHostPath().endVolume().endSpec());
        refused("volumes", b -> b.editSpec().addNewVolume().withName("cfg").withNewConfigMap().withName("x")
                .endConfigMap().endVolume().endSpec());
        refused("volumes", b -> b.editSpec().editFirstVolume().editEmptyDir().withSizeLimit(null).endEmptyDir()
                .endVolume().endSpec());
        refused("securityContext.seccompProfile", b -> b.editSpec().withNewSecurityContext().withNewSeccompProfile()
                .withType("Unconfined").endSeccompProfile().endSecurityContext().endSpec());
        refused("securityContext.appArmorProfile", b -> b.editSpec().withNewSecurityContext()
                .withNewAppArmorProfile().withType("Unconfined").endAppArmorProfile().endSecurityContext().endSpec());
        refused("securityContext.sysctls", b -> b.editSpec().withNewSecurityContext().addNewSysctl()
                .withName("kernel.shm_rmid_forced").withValue("1").endSysctl().endSecurityContext().endSpec());
        refused("annotations", b -> b.editMetadata().addToAnnotations(
                "container.apparmor.security.beta.kubernetes.io/agent", "unconfined").endMetadata());
        refused("containers[agent].privileged", b -> b.editSpec().editFirstContainer().withNewSecurityContext()
                .withPrivileged(true).endSecurityContext().endContainer().endSpec());
        refused("containers[agent].capabilities.add", b -> b.editSpec().editFirstContainer().withNewSecurityContext()
                .withNewCapabilities().addToAdd("SYS_ADMIN").endCapabilities().endSecurityContext().endContainer()
                .endSpec());
        refused("containers[agent].seccompProfile", b -> b.editSpec().editFirstContainer().withNewSecurityContext()
                .withNewSeccompProfile().withType("Unconfined").endSeccompProfile().endSecurityContext().endContainer()
                .endSpec());
        refused("containers[agent].procMount", b -> b.editSpec().editFirstContainer().withNewSecurityContext()
                .withProcMount("Unmasked").endSecurityContext().endContainer().endSpec());
        refused("containers[agent].ports.hostPort", b -> b.editSpec().editFirstContainer().addNewPort()
                .withContainerPort(8080).withHostPort(80).endPort().endContainer().endSpec());
        refused("containers[agent].env", b -> b.editSpec().editFirstContainer().addNewEnv().withName("JENKINS_SECRET")
                .withValue("abc").endEnv().endContainer().endSpec());
        refused("containers[agent].env", b -> b.editSpec().editFirstContainer().addNewEnv().withName("TOKEN")
                .withNewValueFrom().withNewSecretKeyRef("token", "registry", false).endValueFrom().endEnv()
                .endContainer().endSpec());
        refused("containers[agent].envFrom", b -> b.editSpec().editFirstContainer().addNewEnvFrom()
                .withNewSecretRef("registry", false).endEnvFrom().endContainer().endSpec());
        refused("containers[agent].resources", b -> b.editSpec().editFirstContainer().editResources()
                .removeFromLimits("ephemeral-storage").endResources().endContainer().endSpec());
        refused("initContainers[setup].privileged", b -> b.editSpec().addNewInitContainer().withName("setup")
                .withImage("busybox").withNewSecurityContext().withPrivileged(true).endSecurityContext()
                .withResources(rendered(null).getSpec().getContainers().get(0).getResources()).endInitContainer()
                .endSpec());
    }

    @Test
    void aRefusedPodIsABadTemplateListingEveryViolation() {
        Pod p = edit(b -> b.editSpec().withHostNetwork(true).withNodeName("n1").endSpec());
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> policy.enforce(p, Set.of()));
        assertEquals(FailureKind.BAD_TEMPLATE, e.kind());
        assertTrue(e.getMessage().contains("hostNetwork") && e.getMessage().contains("nodeName"), e.getMessage());
    }

    @Test
    void whatAPodCannotGiveIsRefusedByName() {
        ProvisionRequest base = request("a1", "docker");
        SystemContainerSpec spec = base.spec().toBuilder().network("build-net").user("jenkins").build();
        ProvisionRequest req = new ProvisionRequest(base.identity(), spec, "docker",
                CacheSettings.DEFAULTS.withGolden("golden-1"), Duration.ofSeconds(30),
                new ImageSource(ImageSource.PullPolicy.ALWAYS, new ImageSource.RegistryAuth("ci", "pw"), null));
        assertFields(List.of("network", "user", "registryCredentialsId", "goldenVolume"), policy.checkRequest(req));
        assertEquals(List.of(), policy.checkRequest(base));
        SystemContainerSpec numeric = base.spec().toBuilder().user("1000:1000").build();
        Pod p = new PodRenderer(SETTINGS, "c-x").agentPod(new ProvisionRequest(base.identity(), numeric, null,
                Duration.ofSeconds(30)), null);
        assertEquals(1000L, p.getSpec().getContainers().get(0).getSecurityContext().getRunAsUser());
    }

    @Test
    void theUserNamespaceModeFollowsTheSysboxNodesRuntime() {
        assertEquals(UserNamespaceMode.HOST_USERS, ClusterProbe.modeFor(List.of(node("containerd://2.1.4"))));
        assertEquals(UserNamespaceMode.HOST_USERS, ClusterProbe.modeFor(List.of(node("containerd://2.0.5"))));
        assertNull(ClusterProbe.modeFor(List.of(node("containerd://2.0.4"))), "userns bug with other runtimes");
        assertNull(ClusterProbe.modeFor(List.of(node("containerd://1.7.24"))));
        assertEquals(UserNamespaceMode.CRIO_ANNOTATION, ClusterProbe.modeFor(List.of(node("cri-o://1.32.1"))));
        assertNull(ClusterProbe.modeFor(List.of(node("cri-o://1.32.1"), node("containerd://2.1.0"))), "mixed");
        assertNull(ClusterProbe.modeFor(List.of()));
    }

    private static io.fabric8.kubernetes.api.model.Node node(String runtime) {
        return new NodeBuilder().withNewMetadata().withName("n").withLabels(Map.of("sysbox-runtime", "running"))
                .endMetadata().withNewStatus().withNewNodeInfo().withContainerRuntimeVersion(runtime).endNodeInfo()
                .endStatus().build();
    }
}
