package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.ProbeResult.Check;
import io.jenkins.plugins.syscontainer.engine.ProbeResult.Status;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The runtime check on a cluster: after the read-only checks, one probe pod of the template's spec (an emptyDir, no
 * claim) must become Ready, which means its inner Docker answered the startup probe, and its root must be mapped to
 * an unprivileged range of the node ({@code /proc/self/uid_map} not the identity map). The pod is deleted after.
 */
final class PodProbe {
    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final PodRenderer renderer;
    private final PodPolicy policy;
    private final PodWatch watch;
    private final PodExec exec;
    private final ApiCalls calls;

    PodProbe(KubernetesClient client, KubernetesSettings settings, PodRenderer renderer, PodPolicy policy,
            PodWatch watch, PodExec exec, ApiCalls calls) {
        this.client = client;
        this.settings = settings;
        this.renderer = renderer;
        this.policy = policy;
        this.watch = watch;
        this.exec = exec;
        this.calls = calls;
    }

    ProbeResult probe(List<Check> clusterChecks, SystemContainerSpec spec, Duration readyTimeout)
            throws InterruptedException {
        List<Check> checks = new ArrayList<>(clusterChecks);
        if (checks.stream().anyMatch(c -> c.status() == Status.FAIL) || !watch.started()) {
            if (!watch.started()) {
                checks.add(new Check("probe pod", Status.FAIL, "the backend has not recovered its state yet"));
            }
            return new ProbeResult(settings.place(), checks);
        }
        String name = "sca-probe-" + UUID.randomUUID().toString().substring(0, 8);
        Pod pod = renderer.probePod(name, spec, readyTimeout);
        try {
            policy.enforce(pod, Set.of());
        } catch (ProvisioningException e) {
            checks.add(new Check("pod policy", Status.FAIL, e.getRawMessage()));
            return new ProbeResult(settings.place(), checks);
        }
        watch.expect(name);
        try {
            calls.write(() -> client.pods().inNamespace(settings.namespace()).resource(pod).create());
            Pod ready = watch.awaitReady(name, readyTimeout.plus(PodLauncher.SCHEDULING_SLACK));
            if (ready == null) {
                checks.add(new Check("probe pod", Status.FAIL, "pod " + name + " was not Ready within "
                        + readyTimeout.plus(PodLauncher.SCHEDULING_SLACK).toSeconds() + " s"));
                return new ProbeResult(settings.place(), checks);
            }
            checks.add(new Check("probe pod", Status.PASS, "Ready on node " + PodStates.node(ready)
                    + ": its inner Docker answered"));
            ExecResult r = exec.channel(settings.namespace(), name).run(List.of("cat", "/proc/self/uid_map"), null,
                    (byte[]) null, Duration.ofSeconds(30));
            String map = r.stdout().strip().replaceAll("\\s+", " ");
            if (!r.ok()) {
                checks.add(new Check("user namespace", Status.WARN, "could not read uid_map: " + r.stderr().strip()));
            } else if (map.startsWith("0 0 ")) {
                checks.add(new Check("user namespace", Status.FAIL, "not isolated: root in the pod is the node's root"
                        + " (uid_map " + map + ")"));
            } else {
                checks.add(new Check("user namespace", Status.PASS, "root in the pod is an unprivileged id of the node"
                        + " (uid_map " + map + ")"));
            }
        } catch (ProvisioningException e) {
            checks.add(new Check("probe pod", Status.FAIL, e.getRawMessage()));
        } catch (KubernetesClientException | IllegalStateException | ExecResult.TimeoutException e) {
            checks.add(new Check("probe pod", Status.FAIL, String.valueOf(e.getMessage())));
        } finally {
            watch.forget(name);
            try {
                calls.write(() -> client.pods().inNamespace(settings.namespace()).withName(name).withGracePeriod(0)
                        .delete());
            } catch (KubernetesClientException e) {
                // the reaper removes probe pods left behind
            }
        }
        return new ProbeResult(settings.place(), checks);
    }

    static ProbeResult probeCluster(String controllerId, KubernetesClient client, KubernetesSettings settings,
            SecurityPolicy policy, PodExec exec, SystemContainerSpec spec, Duration readyTimeout)
            throws InterruptedException {
        String label = KubeNames.controllerLabel(controllerId);
        ExecutorService none = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sca-k8s-probe");
            t.setDaemon(true);
            return t;
        });
        PodWatch own = new PodWatch(client, settings.namespace(), label, (p, f, e) -> { }, none);
        try {
            own.start(KubernetesBackend.START_TIMEOUT);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            none.shutdown();
            return new ProbeResult(settings.place(), List.of(new ProbeResult.Check("API server",
                    ProbeResult.Status.FAIL, "cannot watch pods in namespace " + settings.namespace() + ": " + e)));
        }
        KubernetesSettings resolved = new ClusterProbe(client, settings).resolved();
        try {
            return new PodProbe(client, resolved, new PodRenderer(resolved, label), new PodPolicy(policy.allowedRuntimes()),
                    own, exec, new ApiCalls()).probe(new ClusterProbe(client, settings).checks(), spec, readyTimeout);
        } finally {
            own.stop();
            none.shutdown();
        }
    }
}
