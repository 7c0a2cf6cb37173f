package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Descriptor;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.tasks.Shell;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.k8s.KubernetesBackend;
import io.jenkins.plugins.syscontainer.engine.k8s.PodExec;
import io.jenkins.plugins.syscontainer.engine.k8s.sim.FakeKubelet;
import io.jenkins.plugins.syscontainer.engine.k8s.sim.LocalPodExec;
import io.jenkins.plugins.syscontainer.engine.k8s.sim.MockCluster;
import io.jenkins.plugins.syscontainer.engine.k8s.sim.MountWatcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A build end to end on a cloud whose placement is Kubernetes, in a real Jenkins: Jenkins' own provisioner, the
 * cloud, the real fabric8 client built by the placement from its URL, the Kubernetes backend, pods and cache claims in
 * the mock API server (CRUD mode) moved through their life by the fake kubelet, the attach launcher with the
 * controller's remoting jar. What is faked, and only that: the cluster (the mock and the fake kubelet), and the exec
 * into the pod ({@link LocalPodExec}: the agent runs as a local process of the test machine).
 */
@WithJenkins
class KubernetesPlacementJenkinsTest {
    static final String NS = "ci";
    private JenkinsRule r;
    private MockCluster cluster;
    private FakeKubelet kubelet;
    private MountWatcher watcher;
    private KubernetesClient client;
    @TempDir
    Path fs;

    /** The placement with the exec into pods replaced by local processes. */
    public static final class LocalExecPlacement extends KubernetesPlacement {
        static final LocalPodExec EXEC = new LocalPodExec();

        @Override
        protected PodExec podExec(KubernetesClient c) {
            return EXEC;
        }

        @TestExtension
        public static final class DescriptorImpl extends Descriptor<KubernetesPlacement> {
            public DescriptorImpl() {
                super(LocalExecPlacement.class);
            }
        }
    }

    @BeforeEach
    void start(JenkinsRule rule) throws Exception {
        r = rule;
        cluster = MockCluster.start();
        client = cluster.client();
        FakeKubelet.Options o = new FakeKubelet.Options().scaled(0.25);
        kubelet = new FakeKubelet(cluster.client(), NS, o);
        watcher = new MountWatcher(cluster.client(), NS);
    }

    @AfterEach
    void stop() {
        LocalExecPlacement.EXEC.killAll();
        assertEquals(List.of(), watcher.doubleMounts());
        watcher.close();
        kubelet.close();
        client.close();
        cluster.close();
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!cond.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(100);
        }
    }

    private SystemContainerCloud cloud() throws Exception {
        SystemContainerCloud cloud = new SystemContainerCloud("k8s");
        KubernetesPlacement k = new LocalExecPlacement();
        k.setServerUrl(cluster.url());
        k.setNamespace(NS);
        k.setPvcCache(true);
        k.setStorageClass("local");
        k.setDockerDataGb(5);
        cloud.setKubernetes(k);
        AgentTemplate t = new AgentTemplate("pod");
        t.setLabelString("pod");
        t.setImage("registry.example.com/ci/system-container-agent:1");
        t.setMemoryMb(512);
        t.setRemoteFs(fs.toString());
        t.setPullPolicy(AgentTemplate.PULL_NEVER);
        t.setLaunchTimeoutSeconds(60);
        cloud.setTemplates(List.of(t));
        r.jenkins.clouds.add(cloud);
        r.jenkins.save();
        return cloud;
    }

    private List<PersistentVolumeClaim> claims() {
        return client.persistentVolumeClaims().inNamespace(NS).list().getItems();
    }

    @Test
    void aBuildRunsInAPodAndItsCacheClaimIsWarmForTheNext() throws Exception {
        SystemContainerCloud cloud = cloud();
        FreeStyleProject p = r.createFreeStyleProject("in-a-pod");
        p.setAssignedLabel(Label.get("pod"));
        p.getBuildersList().add(new Shell("echo hello-from-$NODE_NAME"));
        FreeStyleBuild b = r.buildAndAssertSuccess(p);
        r.assertLogContains("hello-from-sca-pod-", b);
        AgentBackend engine = cloud.engine();
        assertInstanceOf(KubernetesBackend.class, engine);
        assertTrue(kubelet.ready.get() >= 1, "a pod became Ready through the fake kubelet");
        assertEquals(1, LocalExecPlacement.EXEC.pods.stream().distinct().count(), "one pod was attached to");
        await("the agent and its pod are gone", () -> r.jenkins.getNodes().isEmpty()
                && client.pods().inNamespace(NS).list().getItems().isEmpty());
        await("the claim is idle", () -> claims().size() == 1 && "idle".equals(claims().get(0).getMetadata()
                .getAnnotations().get("syscontainer.jenkins.io/state")));
        String claim = claims().get(0).getMetadata().getName();
        r.buildAndAssertSuccess(p);
        await("the second agent is gone", () -> r.jenkins.getNodes().isEmpty()
                && client.pods().inNamespace(NS).list().getItems().isEmpty());
        assertEquals(List.of(claim), claims().stream().map(c -> c.getMetadata().getName()).toList(),
                "the second agent leased the warm claim");
        assertTrue(engine.caches().get(0).hits() >= 1, engine.caches().toString());
        assertEquals("kubernetes/ci", engine.hosts().get(0).name());
        assertEquals(List.of(), SystemContainerAgent.all(cloud.getCloudId()));
    }

    @Test
    void configurationAsCodeSetsEveryFieldAndRefusesBadOnesNamingThem() throws Exception {
        Path yaml = fs.resolve("casc.yaml");
        Files.writeString(yaml, """
                jenkins:
                  clouds:
                    - systemContainer:
                        name: "k8s"
                        kubernetes:
                          serverUrl: "%s"
                          namespace: "jenkins-agents"
                          runtimeClass: "sysbox-runc"
                          userNamespace: "crioAnnotation"
                          serviceAccount: "sca-agent"
                          dockerDataGb: 40
                          pvcCache: true
                          storageClass: "local-nvme"
                          readWriteOncePod: false
                          cacheBudgetGb: 800
                          maxAgents: 30
                        templates:
                          - name: "docker"
                            labelString: "docker"
                            image: "registry.example.com/ci/agent:1"
                """.formatted(cluster.url()), StandardCharsets.UTF_8);
        ConfigurationAsCode.get().configure(yaml.toString());
        SystemContainerCloud c = (SystemContainerCloud) r.jenkins.getCloud("k8s");
        KubernetesPlacement k = c.getKubernetes();
        assertNotNull(k);
        assertEquals(List.of("jenkins-agents", "sysbox-runc", "crioAnnotation", "sca-agent", "local-nvme"),
                List.of(k.getNamespace(), k.getRuntimeClass(), k.getUserNamespace(), k.getServiceAccount(),
                        k.getStorageClass()));
        assertEquals(List.of(40, 800, 30), List.of(k.getDockerDataGb(), k.getCacheBudgetGb(), k.getMaxAgents()));
        assertTrue(k.isPvcCache());
        assertFalse(k.isReadWriteOncePod());
        assertFalse(k.settings().readWriteOncePod(), "claims then ask for ReadWriteOnce");
        assertTrue(new KubernetesPlacement().isReadWriteOncePod(), "on by default");
        assertEquals(List.of("kubernetes/jenkins-agents"), List.copyOf(c.getPlaces().keySet()));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ConfigurationAsCode.get().export(out);
        String exported = out.toString(StandardCharsets.UTF_8);
        assertTrue(exported.contains("storageClass: \"local-nvme\"") && exported.contains("kubernetes:"), exported);

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> k.setNamespace("Jenkins_Agents"));
        assertTrue(bad.getMessage().contains("field 'namespace'"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> k.setUserNamespace("root"));
        assertTrue(bad.getMessage().contains("field 'userNamespace'"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> k.setServerUrl("k8s.example.com"));
        assertTrue(bad.getMessage().contains("field 'serverUrl'"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> k.setDockerDataGb(0));
        assertTrue(bad.getMessage().contains("field 'dockerDataGb'"), bad.getMessage());
    }

    @Test
    void aCloudWithDockerHostsAndKubernetesIsRefused() throws Exception {
        SystemContainerCloud cloud = new SystemContainerCloud("both");
        cloud.setHosts(List.of(new DockerHostEntry("local", "unix:///var/run/docker.sock")));
        cloud.setKubernetes(new KubernetesPlacement());
        Descriptor.FormException e = SystemContainerCloud.configurationProblem(cloud);
        assertNotNull(e);
        assertTrue(e.getMessage().contains("field 'kubernetes'"), e.getMessage());
        cloud.setHosts(List.of());
        assertEquals(null, SystemContainerCloud.configurationProblem(cloud));
        KubernetesPlacement.DescriptorImpl d = r.jenkins.getDescriptorByType(KubernetesPlacement.DescriptorImpl.class);
        assertEquals("ok", d.doCheckNamespace("ci").kind.name().toLowerCase(java.util.Locale.ROOT));
        assertEquals("error", d.doCheckNamespace("CI").kind.name().toLowerCase(java.util.Locale.ROOT));
        assertEquals("warning", d.doCheckPvcCache(true).kind.name().toLowerCase(java.util.Locale.ROOT));
    }
}
