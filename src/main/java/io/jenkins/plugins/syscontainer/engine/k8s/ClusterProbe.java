package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import io.jenkins.plugins.syscontainer.engine.ProbeResult.Check;
import io.jenkins.plugins.syscontainer.engine.ProbeResult.Status;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.k8s.KubernetesSettings.UserNamespaceMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the cluster says about itself, read-only: the API answers (and its version), the runtime class exists, which
 * nodes run Sysbox ({@code sysbox-runtime=running}, the label sysbox-deploy-k8s sets) and with which container
 * runtime (which decides how a pod asks for its user namespace), the namespace's Pod Security level, and the
 * storage class of cache claims. A check the controller's service account may not make (nodes and storage classes
 * are cluster-scoped) is a warning, not a failure.
 */
final class ClusterProbe {
    static final String SYSBOX_NODE_LABEL = "sysbox-runtime";
    private static final Pattern CONTAINERD = Pattern.compile("containerd://v?(\\d+)\\.(\\d+)\\.(\\d+).*");

    private final KubernetesClient client;
    private final KubernetesSettings settings;

    ClusterProbe(KubernetesClient client, KubernetesSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    /**
     * How pods ask for a user namespace on these nodes: the CRI-O annotation where Sysbox runs under CRI-O,
     * {@code hostUsers: false} under containerd 2.0.5 or newer; null when the nodes cannot tell (none found, or an
     * older containerd, with which Sysbox cannot run user-namespaced pods).
     */
    static UserNamespaceMode modeFor(List<Node> sysboxNodes) {
        UserNamespaceMode mode = null;
        for (Node n : sysboxNodes) {
            String rt = n.getStatus() == null || n.getStatus().getNodeInfo() == null ? ""
                    : String.valueOf(n.getStatus().getNodeInfo().getContainerRuntimeVersion());
            UserNamespaceMode m;
            if (rt.startsWith("cri-o://")) {
                m = UserNamespaceMode.CRIO_ANNOTATION;
            } else if (containerdAtLeast205(rt)) {
                m = UserNamespaceMode.HOST_USERS;
            } else {
                return null;
            }
            if (mode != null && mode != m) {
                return null; // mixed runtimes: the administrator must choose
            }
            mode = m;
        }
        return mode;
    }

    static boolean containerdAtLeast205(String runtimeVersion) {
        Matcher m = CONTAINERD.matcher(runtimeVersion);
        if (!m.matches()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int patch = Integer.parseInt(m.group(3));
        return major > 2 || major == 2 && (minor > 0 || patch >= 5);
    }

    /**
     * The settings with the user namespace mode resolved: {@code AUTO} becomes what the Sysbox nodes support, or
     * {@code hostUsers: false} when they cannot tell (or may not be listed).
     */
    KubernetesSettings resolved() {
        if (settings.userNamespace() != UserNamespaceMode.AUTO) {
            return settings;
        }
        UserNamespaceMode mode;
        try {
            mode = modeFor(sysboxNodes());
        } catch (KubernetesClientException e) {
            mode = null;
        }
        return settings.withUserNamespace(mode == null ? UserNamespaceMode.HOST_USERS : mode);
    }

    /** The nodes labelled {@code sysbox-runtime=running}; throws when the service account may not list nodes. */
    List<Node> sysboxNodes() {
        return client.nodes().withLabel(SYSBOX_NODE_LABEL, "running").list().getItems();
    }

    /** The read-only checks, in order. */
    List<Check> checks() {
        List<Check> out = new ArrayList<>();
        try {
            VersionInfo v = client.getKubernetesVersion();
            out.add(new Check("API server", Status.PASS, client.getMasterUrl() + " answers, Kubernetes "
                    + v.getGitVersion()));
        } catch (KubernetesClientException e) {
            out.add(new Check("API server", Status.FAIL, client.getMasterUrl() + " does not answer: " + e.getMessage()));
            return out;
        }
        try {
            var rc = client.resources(io.fabric8.kubernetes.api.model.node.v1.RuntimeClass.class)
                    .withName(settings.runtimeClass()).get();
            out.add(rc == null ? new Check("runtime class", Status.FAIL, "RuntimeClass '" + settings.runtimeClass()
                    + "' does not exist: install Sysbox with sysbox-deploy-k8s (it creates it)")
                    : new Check("runtime class", Status.PASS, "RuntimeClass '" + settings.runtimeClass() + "', handler "
                            + rc.getHandler()));
        } catch (KubernetesClientException e) {
            out.add(new Check("runtime class", Status.WARN, "cannot read RuntimeClass '" + settings.runtimeClass()
                    + "': " + e.getMessage()));
        }
        try {
            List<Node> nodes = sysboxNodes();
            UserNamespaceMode m = modeFor(nodes);
            if (nodes.isEmpty()) {
                out.add(new Check("Sysbox nodes", Status.FAIL, "no node is labelled " + SYSBOX_NODE_LABEL + "=running"));
            } else {
                out.add(new Check("Sysbox nodes", m == null ? Status.FAIL : Status.PASS, nodes.size() + " node(s), "
                        + runtimes(nodes) + (m == null ? ": no user namespace mode fits them all (containerd must be"
                        + " 2.0.5 or newer, or CRI-O)" : "; pods ask for their user namespace by " + m)));
            }
        } catch (KubernetesClientException e) {
            out.add(new Check("Sysbox nodes", Status.WARN, "cannot list nodes (the controller's service account may"
                    + " not; the user namespace mode must then be set): " + e.getMessage()));
        }
        try {
            Namespace ns = client.namespaces().withName(settings.namespace()).get();
            Map<String, String> l = ns == null || ns.getMetadata().getLabels() == null ? Map.of()
                    : ns.getMetadata().getLabels();
            String level = l.get("pod-security.kubernetes.io/enforce");
            out.add(ns == null ? new Check("namespace", Status.FAIL, "namespace " + settings.namespace()
                    + " does not exist")
                    : new Check("namespace", "baseline".equals(level) || "restricted".equals(level) ? Status.PASS
                            : Status.WARN, "Pod Security enforce level: " + (level == null ? "none (label the namespace"
                            + " pod-security.kubernetes.io/enforce=baseline)" : level)));
        } catch (KubernetesClientException e) {
            out.add(new Check("namespace", Status.WARN, "cannot read namespace " + settings.namespace() + ": "
                    + e.getMessage()));
        }
        if (settings.pvcCache()) {
            out.add(storageClassCheck());
        }
        return out;
    }

    private Check storageClassCheck() {
        if (settings.storageClass() == null) {
            return new Check("storage class", Status.WARN, "cache claims use the cluster's default storage class");
        }
        try {
            StorageClass sc = client.storage().v1().storageClasses().withName(settings.storageClass()).get();
            if (sc == null) {
                return new Check("storage class", Status.FAIL, "StorageClass '" + settings.storageClass()
                        + "' does not exist");
            }
            return new Check("storage class", Status.PASS, "StorageClass '" + settings.storageClass()
                    + "', provisioner " + sc.getProvisioner() + ", binding " + sc.getVolumeBindingMode()
                    + (settings.readWriteOncePod() ? "; claims ask for ReadWriteOncePod (its CSI driver must support"
                            + " it)" : "; claims ask for ReadWriteOnce"));
        } catch (KubernetesClientException e) {
            return new Check("storage class", Status.WARN, "cannot read StorageClass '" + settings.storageClass()
                    + "': " + e.getMessage());
        }
    }

    private static String runtimes(List<Node> nodes) {
        return nodes.stream().map(n -> n.getStatus() == null || n.getStatus().getNodeInfo() == null ? "?"
                : n.getStatus().getNodeInfo().getContainerRuntimeVersion()).distinct().toList().toString();
    }
}
