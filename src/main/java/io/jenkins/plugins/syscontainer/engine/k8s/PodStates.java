package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import java.util.List;
import java.util.Set;

/** What a pod's status says, as the backend needs it: ready, scheduled, ended (and why), failed to start (and why). */
final class PodStates {
    private static final Set<String> IMAGE_WAITING = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull");
    private static final Set<String> CONFIG_WAITING = Set.of("CreateContainerConfigError");

    private PodStates() {
    }

    static boolean ready(Pod p) {
        return condition(p, "Ready", "True") && !ended(p);
    }

    static boolean scheduled(Pod p) {
        return p.getSpec() != null && p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty();
    }

    static boolean unschedulable(Pod p) {
        PodCondition c = cond(p, "PodScheduled");
        return c != null && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason());
    }

    static String unschedulableMessage(Pod p) {
        PodCondition c = cond(p, "PodScheduled");
        return c == null ? "" : String.valueOf(c.getMessage());
    }

    static boolean ended(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return "Failed".equals(phase) || "Succeeded".equals(phase);
    }

    static boolean deleting(Pod p) {
        return p.getMetadata() != null && p.getMetadata().getDeletionTimestamp() != null;
    }

    /** Whether a container of the pod was running when it was last seen: a pod removed in that state was forced. */
    static boolean anyRunning(Pod p) {
        for (ContainerStatus s : statuses(p)) {
            if (s.getState() != null && s.getState().getRunning() != null) {
                return true;
            }
        }
        return false;
    }

    static String node(Pod p) {
        return scheduled(p) ? p.getSpec().getNodeName() : null;
    }

    /**
     * Why a pod that is not ready cannot become ready, as a classified failure; null while it still may. Image pull
     * failures speak for the image; a configuration error for the template; a container that ended before it was
     * ready (the startup probe gave up, or dockerd died) for the Docker data volume, which is then quarantined.
     */
    static ProvisioningException startFailure(Pod p) {
        for (ContainerStatus s : statuses(p)) {
            ContainerStateWaiting w = s.getState() == null ? null : s.getState().getWaiting();
            if (w != null && IMAGE_WAITING.contains(w.getReason())) {
                return new ProvisioningException(FailureKind.IMAGE_MISSING, "the image " + s.getImage()
                        + " could not be pulled on node " + node(p) + ": " + w.getReason() + " " + msg(w.getMessage()));
            }
            if (w != null && CONFIG_WAITING.contains(w.getReason())) {
                return new ProvisioningException(FailureKind.BAD_TEMPLATE, "the container could not be created: "
                        + w.getReason() + " " + msg(w.getMessage()));
            }
        }
        if (ended(p) || terminated(p) != null) {
            ContainerStateTerminated t = terminated(p);
            String why = t == null ? "phase " + p.getStatus().getPhase() : "exit code " + t.getExitCode() + ", "
                    + t.getReason() + " " + msg(t.getMessage());
            if (t != null && "OOMKilled".equals(t.getReason())) {
                return new ProvisioningException(FailureKind.UNKNOWN, "the agent container was killed for lack of"
                        + " memory before its inner Docker answered (raise the template's memory): " + why);
            }
            return new ProvisioningException(FailureKind.INNER_DOCKER_NOT_READY, "the agent container ended before"
                    + " its inner Docker answered (" + why + ") on node " + node(p));
        }
        return null;
    }

    /** Why a running agent's pod ended, for the build log; null while it runs. */
    static String endReason(Pod p) {
        ContainerStateTerminated t = terminated(p);
        if (!ended(p) && t == null) {
            return null;
        }
        return "the pod " + p.getMetadata().getName() + " on node " + node(p) + " ended"
                + (t == null ? " (phase " + p.getStatus().getPhase() + ")" : " with exit code " + t.getExitCode()
                        + ("OOMKilled".equals(t.getReason()) ? ", killed for lack of memory (OOM-killed: raise the"
                                + " template's memory)" : ", " + t.getReason()));
    }

    private static ContainerStateTerminated terminated(Pod p) {
        for (ContainerStatus s : statuses(p)) {
            if (s.getState() != null && s.getState().getTerminated() != null) {
                return s.getState().getTerminated();
            }
        }
        return null;
    }

    private static String msg(String m) {
        return m == null ? "" : "(" + m + ")";
    }

    private static List<ContainerStatus> statuses(Pod p) {
        return p.getStatus() == null || p.getStatus().getContainerStatuses() == null ? List.of()
                : p.getStatus().getContainerStatuses();
    }

    private static boolean condition(Pod p, String type, String status) {
        PodCondition c = cond(p, type);
        return c != null && status.equals(c.getStatus());
    }

    private static PodCondition cond(Pod p, String type) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return null;
        }
        for (PodCondition c : p.getStatus().getConditions()) {
            if (type.equals(c.getType())) {
                return c;
            }
        }
        return null;
    }
}
