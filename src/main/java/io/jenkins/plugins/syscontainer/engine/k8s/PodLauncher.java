package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ImageSource;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent.Step;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Starts one agent pod and waits until it is Ready: leases a claim (when the cache is on), renders the pod, has the
 * pod policy check it, creates it, then waits, through the watch, for a node and for the kubelet's startup probe to
 * find the inner Docker answering. A pod that cannot become ready is deleted; when the fault may lie with the Docker
 * data (the inner Docker did not start), the pod is marked abnormal first, so that its claim is quarantined once it
 * is gone, and the agent is tried once more on a fresh claim.
 */
final class PodLauncher {
    /** How long a pod may wait for a node beyond the template's ready timeout. */
    static final Duration SCHEDULING_SLACK = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final PodRenderer renderer;
    private final PodPolicy policy;
    private final PodWatch watch;
    private final CacheClaims claims;
    private final ApiCalls calls;

    /** A pod that is Ready, with the claim it mounts (or null). */
    record Started(Pod pod, String claim) {
    }

    PodLauncher(KubernetesClient client, KubernetesSettings settings, PodRenderer renderer, PodPolicy policy,
            PodWatch watch, CacheClaims claims, ApiCalls calls) {
        this.client = client;
        this.settings = settings;
        this.renderer = renderer;
        this.policy = policy;
        this.watch = watch;
        this.claims = claims;
        this.calls = calls;
    }

    Started start(ProvisionRequest req, long fence, List<ProvisioningEvent> timings, ProvisioningEvent.Listener listener)
            throws ProvisioningException, InterruptedException {
        String agent = req.identity().agentName();
        for (int attempt = 1; ; attempt++) {
            String claim = null;
            long t = System.nanoTime();
            if (settings.pvcCache() && req.cacheKey() != null) {
                CacheClaims.ClaimLease lease = claims.lease(req, fence, watch::mounts, attempt > 1);
                claim = lease == null ? null : lease.name();
                step(timings, listener, agent, Step.VOLUME_LEASED, t, lease == null ? "pool full and busy: an emptyDir"
                        : lease.name() + (lease.fresh() ? " (new)" : " (reused)"));
            }
            try {
                return new Started(startPod(req, claim, timings, listener), claim);
            } catch (ProvisioningException e) {
                boolean retry = e.kind().retryOnFreshCache() && attempt == 1 && claim != null;
                if (!retry) {
                    throw e;
                }
                // the retry's pod has the same name: the failed one must be gone first (its claim is released then)
                String pod = KubeNames.podName(agent);
                if (watch.expectGone(pod) && !watch.awaitGone(pod, settings.terminationGrace().plus(SCHEDULING_SLACK))) {
                    throw e;
                }
                listener.onEvent(new ProvisioningEvent(agent, Step.RETRY, Duration.ZERO, "claim " + claim
                        + " quarantined; retrying on a fresh claim"));
            }
        }
    }

    private Pod startPod(ProvisionRequest req, String claim, List<ProvisioningEvent> timings,
            ProvisioningEvent.Listener listener) throws ProvisioningException, InterruptedException {
        String agent = req.identity().agentName();
        Pod pod = renderer.agentPod(req, claim);
        String name = pod.getMetadata().getName();
        try {
            policy.enforce(pod, claim == null ? Set.of() : Set.of(claim));
        } catch (ProvisioningException e) {
            releaseUnused(claim, agent);
            throw e;
        }
        watch.expect(name);
        boolean created = false;
        try {
            long t = System.nanoTime();
            try {
                calls.write(() -> client.pods().inNamespace(settings.namespace()).resource(pod).create());
                created = true;
            } catch (KubernetesClientException e) {
                throw refused(e, name);
            }
            t = step(timings, listener, agent, Step.CREATED, t, name);
            Pod scheduled = watch.awaitScheduled(name, req.readyTimeout().plus(SCHEDULING_SLACK));
            if (scheduled == null) {
                Pod now = watch.get(name);
                throw new ProvisioningException(FailureKind.HOST_UNAVAILABLE, "no node took pod " + name + " within "
                        + req.readyTimeout().plus(SCHEDULING_SLACK).toSeconds() + " s"
                        + (now != null && PodStates.unschedulable(now) ? ": " + PodStates.unschedulableMessage(now)
                                : " (is a node labelled sysbox-runtime=running free?)"));
            }
            t = step(timings, listener, agent, Step.HOST_CHOSEN, t, "node " + PodStates.node(scheduled));
            Duration wait = req.readyTimeout().plus(SCHEDULING_SLACK)
                    .plus(req.imageSource().policy() == ImageSource.PullPolicy.NEVER ? Duration.ZERO
                            : req.imageSource().pullTimeout());
            Pod ready = watch.awaitReady(name, wait);
            if (ready == null) {
                throw new ProvisioningException(FailureKind.INNER_DOCKER_NOT_READY, "pod " + name + " on node "
                        + PodStates.node(scheduled) + " was not Ready within " + wait.toSeconds() + " s");
            }
            step(timings, listener, agent, Step.INNER_DOCKER_READY, t, "startup probe: docker info answered");
            return ready;
        } catch (ProvisioningException | InterruptedException | RuntimeException e) {
            if (created) {
                boolean suspect = !(e instanceof ProvisioningException pe) || pe.kind().retryOnFreshCache();
                deleteFailed(name, suspect && claim != null);
            } else {
                releaseUnused(claim, agent);
            }
            throw e;
        } finally {
            watch.forget(name);
        }
    }

    /** A claim leased for a pod that was never created goes back at once: nothing mounted it. */
    private void releaseUnused(String claim, String agent) {
        if (claim != null) {
            claims.release(claim, agent, true, null);
        }
    }

    /**
     * Deletes a pod that did not become ready. {@code abnormal}: its inner Docker may have damaged the claim, which is
     * then quarantined once the pod is gone; otherwise the claim goes back idle then (the watch releases it).
     */
    private void deleteFailed(String name, boolean abnormal) {
        try {
            if (abnormal) {
                calls.write(() -> client.pods().inNamespace(settings.namespace()).withName(name)
                        .edit(p -> new PodBuilder(p).editMetadata().addToAnnotations(KubeNames.END, "abnormal")
                                .endMetadata().build()));
            }
            calls.write(() -> client.pods().inNamespace(settings.namespace()).withName(name)
                    .withGracePeriod(settings.terminationGrace().toSeconds()).delete());
        } catch (KubernetesClientException e) {
            // the reaper removes it: it belongs to no agent Jenkins knows
        }
    }

    /** A create the API server refused, classified. */
    static ProvisioningException refused(KubernetesClientException e, String pod) {
        String m = String.valueOf(e.getMessage());
        FailureKind kind;
        if (e.getCode() == 0) {
            kind = FailureKind.HOST_UNAVAILABLE;
        } else if (m.contains("RuntimeClass") || m.contains("runtimeClass")) {
            kind = FailureKind.RUNTIME_MISSING;
        } else if (e.getCode() == 403 && (m.contains("PodSecurity") || m.contains("ValidatingAdmissionPolicy")
                || m.contains("denied"))) {
            kind = FailureKind.BAD_TEMPLATE;
        } else if (e.getCode() == 422 || e.getCode() == 400) {
            kind = FailureKind.BAD_TEMPLATE;
        } else if (e.getCode() == 403 && m.contains("exceeded quota")) {
            kind = FailureKind.HOST_UNAVAILABLE;
        } else {
            kind = FailureKind.UNKNOWN;
        }
        return new ProvisioningException(kind, "the API server refused pod " + pod + " (HTTP " + e.getCode() + "): "
                + m, e);
    }

    static long step(List<ProvisioningEvent> timings, ProvisioningEvent.Listener listener, String agent, Step step,
            long since, String detail) {
        long now = System.nanoTime();
        ProvisioningEvent e = new ProvisioningEvent(agent, step, Duration.ofNanos(now - since), detail);
        timings.add(e);
        listener.onEvent(e);
        return now;
    }
}
