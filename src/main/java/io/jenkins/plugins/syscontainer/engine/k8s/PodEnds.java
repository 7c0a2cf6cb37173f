package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent.Step;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How an agent's pod ends, and what becomes of its claim. A termination deletes the pod gracefully and waits until
 * the API no longer has it; only then is the claim released, and how depends on how the pod went: idle (warm for the
 * next agent) when it was deleted and its container had stopped, quarantined when the agent ended abnormally, when
 * the pod ended on its own, or when it was removed while its container still ran (a forced deletion or a lost node:
 * the node may still have the volume mounted).
 */
final class PodEnds {
    private static final Logger LOG = Logger.getLogger(PodEnds.class.getName());
    /** How long the claim's release after a pod's end may take (one or two API writes). */
    private static final Duration LISTENER_WAIT = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final PodWatch watch;
    private final CacheClaims claims;
    private final ApiCalls calls;

    PodEnds(KubernetesClient client, KubernetesSettings settings, PodWatch watch, CacheClaims claims, ApiCalls calls) {
        this.client = client;
        this.settings = settings;
        this.watch = watch;
        this.claims = claims;
        this.calls = calls;
    }

    /**
     * Deletes the pod (marked abnormal first when the agent ended so) and waits until it is gone and its claim dealt
     * with. Throws when the pod is still there after the grace period and a minute: the claim stays leased, and the
     * watch releases it whenever the pod goes.
     */
    void terminate(KubernetesAgent a, boolean abnormal, ProvisioningEvent.Listener listener) {
        String pod = a.pod();
        long t = System.nanoTime();
        try {
            if (watch.expectGone(pod)) {
                if (abnormal) {
                    calls.write(() -> client.pods().inNamespace(settings.namespace()).withName(pod)
                            .edit(p -> new PodBuilder(p).editMetadata().addToAnnotations(KubeNames.END, "abnormal")
                                    .endMetadata().build()));
                }
                calls.write(() -> client.pods().inNamespace(settings.namespace()).withName(pod)
                        .withGracePeriod(settings.terminationGrace().toSeconds()).delete());
                t = PodLauncher.step(new ArrayList<>(), listener, a.agentName(), Step.STOPPED, t, "pod " + pod);
                Duration grace = settings.terminationGrace().plusSeconds(5);
                Duration rest = Duration.ofSeconds(55);
                if (!watch.awaitGone(pod, grace) && !(goneFromApi(pod) && watch.awaitGone(pod, LISTENER_WAIT))
                        && !watch.awaitGone(pod, rest)) {
                    throw new IllegalStateException("pod " + pod + " still exists " + grace.plus(rest).toSeconds()
                            + " s after its deletion (its node does not answer?); its claim stays leased until it is"
                            + " gone");
                }
            }
            PodLauncher.step(new ArrayList<>(), listener, a.agentName(), Step.REMOVED, t, a.cacheVolume() == null
                    ? null : "claim " + a.cacheVolume() + " released");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while terminating " + a.agentName(), e);
        }
    }

    /**
     * Past its grace period the pod is looked up once: when the API no longer has it, its deletion event was lost, and
     * it is handled as gone now (see {@link PodWatch#confirmGone}).
     */
    private boolean goneFromApi(String pod) {
        Pod last = watch.get(pod);
        if (last == null) {
            return true;
        }
        Pod now = calls.read(() -> client.pods().inNamespace(settings.namespace()).withName(pod).get());
        if (now != null && Objects.equals(now.getMetadata().getUid(), last.getMetadata().getUid())) {
            return false;
        }
        watch.confirmGone(last);
        return true;
    }

    /** The pod is gone from the API: release its claim as its end says. */
    void gone(Pod last, boolean forced, boolean endedOnItsOwn) {
        Map<String, String> ann = last.getMetadata().getAnnotations() == null ? Map.of()
                : last.getMetadata().getAnnotations();
        String agent = ann.get(KubeNames.AGENT_NAME);
        String claim = last.getMetadata().getLabels() == null ? null
                : last.getMetadata().getLabels().get(KubeNames.CACHE_VOLUME);
        if (agent == null || claim == null) {
            return;
        }
        String why = quarantineReason(last, forced, endedOnItsOwn, "abnormal".equals(ann.get(KubeNames.END)));
        try {
            claims.release(claim, agent, why == null, why);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "releasing claim " + claim + " of " + agent + " failed; the reaper tries again", e);
        }
    }

    /** Why a claim must not be used again after its pod went this way, or null when it ended cleanly. */
    static String quarantineReason(Pod last, boolean forced, boolean endedOnItsOwn, boolean abnormal) {
        String pod = last.getMetadata().getName();
        if (forced) {
            return "forced deletion: pod " + pod + " was removed while its container ran (its node may still have the"
                    + " volume mounted)";
        }
        if (abnormal) {
            return "the agent in pod " + pod + " ended abnormally";
        }
        if (endedOnItsOwn) {
            return "pod " + pod + " ended on its own: " + PodStates.endReason(last);
        }
        return null;
    }

    /** The pod's state and its container's last log lines, for a failure message. */
    String diagnostics(String podName) {
        StringBuilder out = new StringBuilder();
        Pod p = watch.get(podName);
        out.append("pod ").append(podName).append(p == null ? " is gone" : ": phase " + p.getStatus().getPhase()
                + ", node " + PodStates.node(p)).append('\n');
        try {
            String log = client.pods().inNamespace(settings.namespace()).withName(podName)
                    .inContainer(KubeNames.AGENT_CONTAINER).tailingLines(40).getLog();
            out.append("container log (last 40 lines):\n").append(log);
        } catch (KubernetesClientException e) {
            out.append("(no container log: ").append(e.getMessage()).append(")\n");
        }
        return out.toString();
    }
}
