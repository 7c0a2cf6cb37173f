package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.ImageSource;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an agent request into its pod. Everything a pod of ours needs is set here, and nothing else: the runtime
 * class, a user namespace (as the cluster supports it), no service account token, requests equal to limits (CPU,
 * memory, ephemeral storage), /var/lib/docker on a leased claim or a size-limited {@code emptyDir}, the startup probe
 * that is the inner Docker's readiness, {@code restartPolicy: Never} (an agent is not restarted: it is replaced), and
 * the labels the backend finds its pods by. {@link PodPolicy} checks the result before it is sent.
 */
final class PodRenderer {
    /** The inner Docker answers and reports a storage driver ({@code docker info} can exit 0 while it starts). */
    static final List<String> DOCKER_READY = List.of("sh", "-c",
            "d=$(docker info --format '{{.Driver}}' 2>/dev/null) && [ -n \"$d\" ]");

    private final KubernetesSettings settings;
    private final String controllerLabel;

    PodRenderer(KubernetesSettings settings, String controllerLabel) {
        this.settings = settings;
        this.controllerLabel = controllerLabel;
    }

    /** The pod of an agent; {@code claim} is the leased cache claim, or null for an emptyDir. */
    Pod agentPod(ProvisionRequest req, String claim) {
        AgentIdentity id = req.identity();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(KubeNames.ROLE, KubeNames.ROLE_AGENT);
        labels.put(KubeNames.CONTROLLER, controllerLabel);
        labels.put(KubeNames.AGENT, KubeNames.labelValue(id.agentName()));
        if (req.cacheKey() != null) {
            labels.put(KubeNames.CACHE_KEY, KubeNames.labelValue(req.cacheKey()));
        }
        if (claim != null) {
            labels.put(KubeNames.CACHE_VOLUME, claim);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        // A template's labels are Docker labels: kept as annotations, where any key of that syntax and any value fit.
        annotations.putAll(req.spec().labels());
        annotations.put(KubeNames.CONTROLLER_ID, id.controllerId());
        annotations.put(KubeNames.AGENT_NAME, id.agentName());
        annotations.put(KubeNames.CLOUD, id.cloud());
        annotations.put(KubeNames.TEMPLATE, id.template());
        if (req.cacheKey() != null) {
            annotations.put(KubeNames.CACHE_KEY_NAME, req.cacheKey());
        }
        return pod(KubeNames.podName(id.agentName()), labels, annotations, req.spec(), req.imageSource().policy(),
                req.readyTimeout(), claim);
    }

    /** A probe pod: an agent pod of {@code spec} that no agent owns, removed after the probe. */
    Pod probePod(String name, SystemContainerSpec spec, Duration readyTimeout) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(KubeNames.ROLE, KubeNames.ROLE_PROBE);
        labels.put(KubeNames.CONTROLLER, controllerLabel);
        return pod(name, labels, new LinkedHashMap<>(), spec, ImageSource.PullPolicy.IF_MISSING, readyTimeout, null);
    }

    private Pod pod(String name, Map<String, String> labels, Map<String, String> annotations, SystemContainerSpec spec,
            ImageSource.PullPolicy pull, Duration readyTimeout, String claim) {
        if (settings.userNamespace() == KubernetesSettings.UserNamespaceMode.CRIO_ANNOTATION) {
            annotations.put(KubeNames.CRIO_USERNS, KubeNames.CRIO_USERNS_VALUE);
        }
        Map<String, Quantity> resources = new LinkedHashMap<>();
        resources.put("cpu", new Quantity(Math.max(1, Math.round(spec.cpus() * 1000)) + "m"));
        resources.put("memory", new Quantity(String.valueOf(spec.memoryBytes())));
        int ephemeral = settings.writableLayerGi() + (claim == null ? settings.dockerDataGi() : 0);
        resources.put("ephemeral-storage", new Quantity(ephemeral + "Gi"));
        List<EnvVar> env = new ArrayList<>();
        spec.env().forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        ContainerBuilder c = new ContainerBuilder()
                .withName(KubeNames.AGENT_CONTAINER)
                .withImage(spec.image())
                .withImagePullPolicy(switch (pull) {
                    case NEVER -> "Never";
                    case ALWAYS -> "Always";
                    case IF_MISSING -> "IfNotPresent";
                })
                .withEnv(env)
                .withNewResources().withRequests(resources).withLimits(resources).endResources()
                .withStartupProbe(startupProbe(readyTimeout))
                .addNewVolumeMount().withName(KubeNames.DOCKER_VOLUME).withMountPath(SecurityPolicy.CACHE_MOUNT_POINT)
                .endVolumeMount();
        if (!spec.command().isEmpty()) {
            c.withArgs(spec.command()); // the image's entrypoint stays (tini, then dockerd), as with Docker's CMD
        }
        if (spec.workingDir() != null) {
            c.withWorkingDir(spec.workingDir());
        }
        Long[] user = numericUser(spec.user());
        if (user != null) {
            c.withNewSecurityContext().withRunAsUser(user[0]).withRunAsGroup(user[1]).endSecurityContext();
        }
        PodBuilder p = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(settings.namespace()).withLabels(labels)
                .withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withRuntimeClassName(settings.runtimeClass())
                .withAutomountServiceAccountToken(false)
                .withServiceAccountName(settings.serviceAccount())
                .withEnableServiceLinks(false)
                .withRestartPolicy("Never")
                .withTerminationGracePeriodSeconds(settings.terminationGrace().toSeconds())
                .withHostname(spec.hostname())
                .withContainers(c.build())
                .withVolumes(dockerVolume(claim))
                .endSpec();
        if (settings.userNamespace() == KubernetesSettings.UserNamespaceMode.HOST_USERS) {
            p.editSpec().withHostUsers(false).endSpec();
        }
        return p.build();
    }

    private Volume dockerVolume(String claim) {
        VolumeBuilder v = new VolumeBuilder().withName(KubeNames.DOCKER_VOLUME);
        if (claim != null) {
            return v.withNewPersistentVolumeClaim().withClaimName(claim).endPersistentVolumeClaim().build();
        }
        return v.withNewEmptyDir().withSizeLimit(new Quantity(settings.dockerDataGi() + "Gi")).endEmptyDir().build();
    }

    /**
     * Probes every second until the inner Docker answers, for at most the template's ready timeout: the kubelet runs
     * the check inside the container and the backend only watches the pod's Ready condition.
     */
    static Probe startupProbe(Duration readyTimeout) {
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, readyTimeout.toSeconds()));
        return new ProbeBuilder().withNewExec().withCommand(DOCKER_READY).endExec()
                .withPeriodSeconds(1).withTimeoutSeconds(5).withFailureThreshold(seconds).build();
    }

    /** {@code uid} or {@code uid:gid} as numbers; null when unset. Names cannot be given to Kubernetes. */
    static Long[] numericUser(String user) {
        if (user == null || !user.matches("[0-9]{1,10}(:[0-9]{1,10})?")) {
            return null;
        }
        String[] parts = user.split(":");
        long uid = Long.parseLong(parts[0]);
        return new Long[] {uid, parts.length > 1 ? Long.parseLong(parts[1]) : uid};
    }
}
