package io.jenkins.plugins.syscontainer.engine.k8s;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How agents are placed in one namespace of a cluster: the runtime class pods run under, how their user namespace is
 * requested, the service account they run as (one without permissions; its token is never mounted), the size of the
 * inner Docker's data (a persistent claim when the cache is opted in, else an {@code emptyDir} with that size limit),
 * the storage class and access mode of cache claims, and the controller lease's duration.
 *
 * @param place the name the cluster is shown under (status page, agents' places)
 * @param serviceAccount the agents' service account, or null for the namespace's {@code default}
 * @param dockerDataGi the size of /var/lib/docker: the claim's request, or the emptyDir's size limit
 * @param writableLayerGi ephemeral storage for the container's own writable layer, on top of an emptyDir
 * @param storageClass the claims' storage class, or null for the cluster's default
 * @param pvcCache whether cache keys get persistent claims (opt-in: see docs/kubernetes.md for why)
 * @param readWriteOncePod whether claims ask for ReadWriteOncePod (the scheduler then refuses a second pod)
 * @param maxAgents the most agent pods this backend runs at once in the namespace
 */
public record KubernetesSettings(String place, String namespace, String runtimeClass, UserNamespaceMode userNamespace,
        String serviceAccount, int dockerDataGi, int writableLayerGi, String storageClass, boolean pvcCache,
        boolean readWriteOncePod, Duration controllerLease, Duration terminationGrace, int maxAgents) {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    /** How the pod asks for a user namespace; the cluster probe tells which one the nodes support. */
    public enum UserNamespaceMode {
        /** Chosen by the cluster probe from the Sysbox nodes' container runtime when the backend starts. */
        AUTO,
        /** {@code hostUsers: false}: Kubernetes user namespaces (containerd 2.0.5+ or CRI-O, Kubernetes 1.30+). */
        HOST_USERS,
        /** The CRI-O annotation {@code io.kubernetes.cri-o.userns-mode: auto} (Sysbox's CRI-O mode). */
        CRIO_ANNOTATION
    }

    public KubernetesSettings {
        Objects.requireNonNull(place, "place");
        if (namespace == null || !DNS_LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace '" + namespace + "' must be a DNS label: lowercase letters,"
                    + " digits and '-', at most 63");
        }
        if (runtimeClass == null || !DNS_SUBDOMAIN.matcher(runtimeClass).matches()) {
            throw new IllegalArgumentException("runtime class '" + runtimeClass + "' must be a DNS subdomain name");
        }
        if (userNamespace == null) {
            userNamespace = UserNamespaceMode.AUTO;
        }
        if (serviceAccount != null && serviceAccount.isBlank()) {
            serviceAccount = null;
        }
        if (serviceAccount != null && !DNS_SUBDOMAIN.matcher(serviceAccount).matches()) {
            throw new IllegalArgumentException("service account '" + serviceAccount + "' must be a DNS subdomain name");
        }
        if (dockerDataGi < 1 || dockerDataGi > 65536) {
            throw new IllegalArgumentException("the Docker data size must be between 1 and 65536 GiB, not " + dockerDataGi);
        }
        if (writableLayerGi < 1 || writableLayerGi > 65536) {
            throw new IllegalArgumentException("the writable layer size must be between 1 and 65536 GiB, not "
                    + writableLayerGi);
        }
        if (storageClass != null && storageClass.isBlank()) {
            storageClass = null;
        }
        if (storageClass != null && !DNS_SUBDOMAIN.matcher(storageClass).matches()) {
            throw new IllegalArgumentException("storage class '" + storageClass + "' must be a DNS subdomain name");
        }
        if (controllerLease == null) {
            controllerLease = Duration.ofSeconds(30);
        }
        if (controllerLease.toSeconds() < 2) {
            throw new IllegalArgumentException("the controller lease must last at least 2 s");
        }
        if (terminationGrace == null) {
            terminationGrace = Duration.ofSeconds(30);
        }
        if (maxAgents < 1 || maxAgents > 100_000) {
            throw new IllegalArgumentException("the most agents must be between 1 and 100000, not " + maxAgents);
        }
    }

    /** Settings with the defaults: the user namespace mode probed, 50 GiB of Docker data, no cache, 100 agents. */
    public static KubernetesSettings defaults(String place, String namespace, String runtimeClass) {
        return new KubernetesSettings(place, namespace, runtimeClass, UserNamespaceMode.AUTO, null, 50, 10, null,
                false, true, null, null, 100);
    }

    public KubernetesSettings withPvcCache(boolean on, String cls) {
        return new KubernetesSettings(place, namespace, runtimeClass, userNamespace, serviceAccount, dockerDataGi,
                writableLayerGi, cls, on, readWriteOncePod, controllerLease, terminationGrace, maxAgents);
    }

    public KubernetesSettings withUserNamespace(UserNamespaceMode mode) {
        return new KubernetesSettings(place, namespace, runtimeClass, mode, serviceAccount, dockerDataGi,
                writableLayerGi, storageClass, pvcCache, readWriteOncePod, controllerLease, terminationGrace, maxAgents);
    }

    public KubernetesSettings withReadWriteOncePod(boolean on) {
        return new KubernetesSettings(place, namespace, runtimeClass, userNamespace, serviceAccount, dockerDataGi,
                writableLayerGi, storageClass, pvcCache, on, controllerLease, terminationGrace, maxAgents);
    }

    public KubernetesSettings withControllerLease(Duration d) {
        return new KubernetesSettings(place, namespace, runtimeClass, userNamespace, serviceAccount, dockerDataGi,
                writableLayerGi, storageClass, pvcCache, readWriteOncePod, d, terminationGrace, maxAgents);
    }

    public KubernetesSettings withServiceAccount(String sa) {
        return new KubernetesSettings(place, namespace, runtimeClass, userNamespace, sa, dockerDataGi,
                writableLayerGi, storageClass, pvcCache, readWriteOncePod, controllerLease, terminationGrace, maxAgents);
    }

    public KubernetesSettings withMaxAgents(int n) {
        return new KubernetesSettings(place, namespace, runtimeClass, userNamespace, serviceAccount, dockerDataGi,
                writableLayerGi, storageClass, pvcCache, readWriteOncePod, controllerLease, terminationGrace, n);
    }

    public KubernetesSettings withTerminationGrace(Duration d) {
        return new KubernetesSettings(place, namespace, runtimeClass, userNamespace, serviceAccount, dockerDataGi,
                writableLayerGi, storageClass, pvcCache, readWriteOncePod, controllerLease, d, maxAgents);
    }

    public KubernetesSettings withDockerDataGi(int gi) {
        return new KubernetesSettings(place, namespace, runtimeClass, userNamespace, serviceAccount, gi,
                writableLayerGi, storageClass, pvcCache, readWriteOncePod, controllerLease, terminationGrace, maxAgents);
    }
}
