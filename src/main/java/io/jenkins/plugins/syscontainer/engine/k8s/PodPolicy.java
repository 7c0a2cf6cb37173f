package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy.Violation;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pod counterpart of {@link io.jenkins.plugins.syscontainer.engine.SecurityPolicy}: the last check of a pod before
 * it is sent to the API server, so that no code path creates a pod that could reach the node. Required: a runtime
 * class from the allowlist, a user namespace, no service account token, requests and limits for CPU, memory and
 * ephemeral storage. Refused: privileged containers, host namespaces, process namespace sharing, host paths and any
 * volume but the Docker data volume (an emptyDir or a claim of the cache pool), host ports, added capabilities,
 * unconfined seccomp or AppArmor, unmasked /proc, sysctls, a node chosen by name, and secrets in the environment.
 * The namespace's Pod Security level {@code baseline} and the optional ValidatingAdmissionPolicy
 * (docs/kubernetes.md) enforce the same on the cluster's side.
 */
public final class PodPolicy {
    static final Set<String> SECRET_ENV = Set.of("JENKINS_SECRET", "JENKINS_AGENT_SECRET");
    private static final List<String> RESOURCES = List.of("cpu", "memory", "ephemeral-storage");

    private final Set<String> allowedRuntimeClasses;

    public PodPolicy(Set<String> allowedRuntimeClasses) {
        this.allowedRuntimeClasses = Set.copyOf(allowedRuntimeClasses);
    }

    /**
     * What a request asks for that a pod cannot give: a Docker network (pods are on the cluster's network), a user
     * by name (Kubernetes takes numeric ids only), registry credentials (pull secrets belong to the agents' service
     * account) and a golden volume. Refused by name rather than dropped silently.
     */
    public List<Violation> checkRequest(ProvisionRequest req) {
        List<Violation> v = new ArrayList<>();
        if (req.spec().network() != null) {
            v.add(new Violation("network", req.spec().network(), "Docker networks do not exist on Kubernetes: pods use"
                    + " the cluster's network"));
        }
        if (req.spec().user() != null && PodRenderer.numericUser(req.spec().user()) == null) {
            v.add(new Violation("user", req.spec().user(), "Kubernetes runs a container as a numeric user id only"
                    + " (UID or UID:GID)"));
        }
        if (req.imageSource().auth() != null) {
            v.add(new Violation("registryCredentialsId", req.imageSource().auth().username(), "on Kubernetes the"
                    + " kubelet pulls the image: give the agents' service account an imagePullSecret instead"));
        }
        if (req.cache().goldenVolume() != null) {
            v.add(new Violation("goldenVolume", req.cache().goldenVolume(), "golden volumes are a Docker-hosts"
                    + " feature; cache claims on Kubernetes start empty"));
        }
        return v;
    }

    /** Every violation in {@code pod}; {@code ownedClaims} are the claims of the cache pool it may mount. */
    public List<Violation> check(Pod pod, Set<String> ownedClaims) {
        List<Violation> v = new ArrayList<>();
        PodSpec s = pod.getSpec();
        if (s == null) {
            v.add(new Violation("spec", "null", "a pod needs a spec"));
            return v;
        }
        if (s.getRuntimeClassName() == null || !allowedRuntimeClasses.contains(s.getRuntimeClassName())) {
            v.add(new Violation("runtimeClassName", String.valueOf(s.getRuntimeClassName()), "not in the allowed"
                    + " runtimes " + allowedRuntimeClasses + " (the cloud's allowlist)"));
        }
        Map<String, String> annotations = pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null
                ? Map.of() : pod.getMetadata().getAnnotations();
        boolean userns = Boolean.FALSE.equals(s.getHostUsers())
                || String.valueOf(annotations.get(KubeNames.CRIO_USERNS)).startsWith("auto");
        if (!userns) {
            v.add(new Violation("hostUsers", String.valueOf(s.getHostUsers()), "a user namespace is required:"
                    + " hostUsers: false, or the CRI-O annotation " + KubeNames.CRIO_USERNS + ": auto"));
        }
        if (!Boolean.FALSE.equals(s.getAutomountServiceAccountToken())) {
            v.add(new Violation("automountServiceAccountToken", String.valueOf(s.getAutomountServiceAccountToken()),
                    "must be false: a build must not get credentials for the cluster's API"));
        }
        flag(v, "hostNetwork", s.getHostNetwork(), "the node's network namespace");
        flag(v, "hostPID", s.getHostPID(), "the node's process namespace");
        flag(v, "hostIPC", s.getHostIPC(), "the node's IPC namespace");
        flag(v, "shareProcessNamespace", s.getShareProcessNamespace(), "a namespace shared between containers"
                + " (Sysbox does not support it)");
        if (s.getNodeName() != null && !s.getNodeName().isEmpty()) {
            v.add(new Violation("nodeName", s.getNodeName(), "a node chosen by name bypasses the scheduler and the"
                    + " runtime class's node selector"));
        }
        podSecurity(v, s.getSecurityContext());
        for (Map.Entry<String, String> a : annotations.entrySet()) {
            boolean legacy = a.getKey().startsWith("container.apparmor.security.beta.kubernetes.io/")
                    || a.getKey().startsWith("seccomp.security.alpha.kubernetes.io/")
                    || a.getKey().startsWith("container.seccomp.security.alpha.kubernetes.io/");
            if (legacy && "unconfined".equalsIgnoreCase(a.getValue())) {
                v.add(new Violation("annotations", a.getKey(), "unconfined seccomp or AppArmor is refused"));
            }
        }
        for (Volume vol : s.getVolumes() == null ? List.<Volume>of() : s.getVolumes()) {
            volume(v, vol, ownedClaims);
        }
        List<Container> all = new ArrayList<>();
        if (s.getContainers() != null) {
            all.addAll(s.getContainers());
        }
        if (s.getInitContainers() != null) {
            all.addAll(s.getInitContainers());
        }
        if (s.getEphemeralContainers() != null && !s.getEphemeralContainers().isEmpty()) {
            v.add(new Violation("ephemeralContainers", String.valueOf(s.getEphemeralContainers().size()),
                    "ephemeral containers are refused"));
        }
        if (s.getContainers() == null || s.getContainers().isEmpty()) {
            v.add(new Violation("containers", "0", "a pod needs its agent container"));
        }
        for (Container c : all) {
            container(v, c, s.getInitContainers() != null && s.getInitContainers().contains(c));
        }
        return v;
    }

    private static void flag(List<Violation> v, String field, Boolean value, String what) {
        if (Boolean.TRUE.equals(value)) {
            v.add(new Violation(field, "true", "sharing " + what + " is refused"));
        }
    }

    private static void podSecurity(List<Violation> v, PodSecurityContext sc) {
        if (sc == null) {
            return;
        }
        if (sc.getSeccompProfile() != null && "Unconfined".equalsIgnoreCase(sc.getSeccompProfile().getType())) {
            v.add(new Violation("securityContext.seccompProfile", "Unconfined", "unconfined seccomp is refused"));
        }
        if (sc.getAppArmorProfile() != null && "Unconfined".equalsIgnoreCase(sc.getAppArmorProfile().getType())) {
            v.add(new Violation("securityContext.appArmorProfile", "Unconfined", "unconfined AppArmor is refused"));
        }
        if (sc.getSysctls() != null && !sc.getSysctls().isEmpty()) {
            v.add(new Violation("securityContext.sysctls", sc.getSysctls().get(0).getName(), "sysctls are refused"));
        }
    }

    private static void volume(List<Violation> v, Volume vol, Set<String> ownedClaims) {
        String name = vol.getName();
        if (vol.getHostPath() != null) {
            v.add(new Violation("volumes", name + ": hostPath " + vol.getHostPath().getPath(), "host paths are"
                    + " refused: under Sysbox they are written as the node's root"));
        } else if (vol.getPersistentVolumeClaim() != null) {
            String claim = vol.getPersistentVolumeClaim().getClaimName();
            if (!ownedClaims.contains(claim)) {
                v.add(new Violation("volumes", name + ": claim " + claim, "only a claim of the cache pool, leased to"
                        + " this agent, may be mounted"));
            }
        } else if (vol.getEmptyDir() != null) {
            if (vol.getEmptyDir().getSizeLimit() == null) {
                v.add(new Violation("volumes", name + ": emptyDir", "an emptyDir needs a size limit (unbounded, the"
                        + " inner Docker fills the node's disk)"));
            }
        } else {
            v.add(new Violation("volumes", name, "only the Docker data volume (a cache claim or an emptyDir) is"
                    + " allowed"));
        }
    }

    private static void container(List<Violation> v, Container c, boolean init) {
        String where = (init ? "initContainers[" : "containers[") + c.getName() + "]";
        SecurityContext sc = c.getSecurityContext();
        if (sc != null) {
            if (Boolean.TRUE.equals(sc.getPrivileged())) {
                v.add(new Violation(where + ".privileged", "true", "privileged containers are refused: a system"
                        + " container runs Docker without it"));
            }
            Capabilities caps = sc.getCapabilities();
            if (caps != null && caps.getAdd() != null && !caps.getAdd().isEmpty()) {
                v.add(new Violation(where + ".capabilities.add", String.join(",", caps.getAdd()), "added capabilities"
                        + " are refused (Sysbox gives the container what it needs inside its user namespace)"));
            }
            if (sc.getSeccompProfile() != null && "Unconfined".equalsIgnoreCase(sc.getSeccompProfile().getType())) {
                v.add(new Violation(where + ".seccompProfile", "Unconfined", "unconfined seccomp is refused"));
            }
            if (sc.getAppArmorProfile() != null && "Unconfined".equalsIgnoreCase(sc.getAppArmorProfile().getType())) {
                v.add(new Violation(where + ".appArmorProfile", "Unconfined", "unconfined AppArmor is refused"));
            }
            if ("Unmasked".equalsIgnoreCase(sc.getProcMount())) {
                v.add(new Violation(where + ".procMount", "Unmasked", "an unmasked /proc is refused"));
            }
        }
        for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
            if (p.getHostPort() != null && p.getHostPort() != 0) {
                v.add(new Violation(where + ".ports.hostPort", String.valueOf(p.getHostPort()), "host ports are"
                        + " refused"));
            }
        }
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            if (SECRET_ENV.contains(e.getName())) {
                v.add(new Violation(where + ".env", e.getName(), "the agent secret never goes into the environment"
                        + " (anyone who can read pods sees it); the launcher writes it to a 0600 file"));
            } else if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                v.add(new Violation(where + ".env", e.getName(), "secrets in the environment are refused"));
            }
        }
        for (EnvFromSource e : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
            if (e.getSecretRef() != null) {
                v.add(new Violation(where + ".envFrom", e.getSecretRef().getName(), "secrets in the environment are"
                        + " refused"));
            }
        }
        Map<String, Quantity> req = c.getResources() == null ? null : c.getResources().getRequests();
        Map<String, Quantity> lim = c.getResources() == null ? null : c.getResources().getLimits();
        for (String r : RESOURCES) {
            if (req == null || !req.containsKey(r) || lim == null || !lim.containsKey(r)) {
                v.add(new Violation(where + ".resources", r, "requests and limits are required for " + RESOURCES));
                break;
            }
        }
    }

    /** Throws a {@link FailureKind#BAD_TEMPLATE} failure listing every violation of the pod, if any. */
    public void enforce(Pod pod, Set<String> ownedClaims) throws ProvisioningException {
        List<Violation> v = check(pod, ownedClaims);
        if (!v.isEmpty()) {
            throw new ProvisioningException(FailureKind.BAD_TEMPLATE, "the pod was refused: "
                    + String.join("; ", v.stream().map(Violation::toString).toList()));
        }
    }

    /** Throws a {@link FailureKind#BAD_TEMPLATE} failure listing what the request asks that a pod cannot give. */
    public void enforceRequest(ProvisionRequest req) throws ProvisioningException {
        List<Violation> v = checkRequest(req);
        if (!v.isEmpty()) {
            throw new ProvisioningException(FailureKind.BAD_TEMPLATE, "the template cannot run on Kubernetes: "
                    + String.join("; ", v.stream().map(Violation::toString).toList()));
        }
    }
}
