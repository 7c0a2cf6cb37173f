package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One watch on this controller's pods, shared by everything that waits for a pod: a provision waits for its pod to be
 * scheduled and then Ready (the kubelet's startup probe found the inner Docker answering), a termination waits for
 * the pod to be gone. Nothing polls: each wait is a future completed by the watch's events. When a pod is gone, its
 * {@link Gone} listener decides what becomes of the claim it mounted, on the backend's executor.
 */
final class PodWatch {
    static final String BY_CLAIM = "claim";
    static final String BY_AGENT = "agent";

    /** A pod of ours is gone from the API: {@code forced} when a container was still running in its last state. */
    interface Gone {
        void gone(Pod last, boolean forced, boolean endedOnItsOwn);
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String controllerLabel;
    private final Gone listener;
    private final Executor executor;
    private volatile SharedIndexInformer<Pod> informer;
    private final Map<String, CompletableFuture<Pod>> scheduled = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Pod>> ready = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> gone = new ConcurrentHashMap<>();
    /** Pods seen ended (Failed, Succeeded) before anyone asked to delete them: their agent died. */
    private final Set<String> endedOnItsOwn = ConcurrentHashMap.newKeySet();
    /**
     * Pods (by uid) the API no longer has whose deletion event never came, handled as gone already (see
     * {@link #confirmGone}); the views below leave them out, and their event, should it come late, is not handled twice.
     */
    private final Set<String> settled = ConcurrentHashMap.newKeySet();
    private final Object goneLock = new Object();

    PodWatch(KubernetesClient client, String namespace, String controllerLabel, Gone listener, Executor executor) {
        this.client = client;
        this.namespace = namespace;
        this.controllerLabel = controllerLabel;
        this.listener = listener;
        this.executor = executor;
    }

    void start(Duration timeout) throws Exception {
        if (informer != null) {
            return;
        }
        SharedIndexInformer<Pod> i = client.pods().inNamespace(namespace)
                .withLabel(KubeNames.CONTROLLER, controllerLabel).runnableInformer(0);
        i.addIndexers(Map.of(BY_CLAIM, PodWatch::claims, BY_AGENT, p -> {
            String a = p.getMetadata().getAnnotations() == null ? null
                    : p.getMetadata().getAnnotations().get(KubeNames.AGENT_NAME);
            return a == null ? List.of() : List.of(a);
        }));
        i.addEventHandler(new ResourceEventHandler<Pod>() {
            @Override
            public void onAdd(Pod p) {
                seen(p);
            }

            @Override
            public void onUpdate(Pod old, Pod p) {
                seen(p);
            }

            @Override
            public void onDelete(Pod p, boolean finalStateUnknown) {
                removed(p);
            }
        });
        try {
            i.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            i.stop();
            throw e;
        }
        informer = i;
    }

    /**
     * Stops the watch. Provisions still waiting for their pod end now, with a failure to try again (on the engine
     * that replaces this one): no event would ever reach them, and they would wait out their whole timeout (the
     * ready timeout plus the image pull's, minutes).
     */
    void stop() {
        SharedIndexInformer<Pod> i = informer;
        if (i != null) {
            i.stop();
        }
        ProvisioningException stopped = new ProvisioningException(FailureKind.HOST_UNAVAILABLE,
                "the engine watching this pod was closed (the cloud was reconfigured, or Jenkins is stopping)");
        scheduled.values().forEach(f -> f.completeExceptionally(stopped));
        ready.values().forEach(f -> f.completeExceptionally(stopped));
    }

    private static List<String> claims(Pod p) {
        List<String> out = new ArrayList<>();
        if (p.getSpec() != null && p.getSpec().getVolumes() != null) {
            for (Volume v : p.getSpec().getVolumes()) {
                if (v.getPersistentVolumeClaim() != null) {
                    out.add(v.getPersistentVolumeClaim().getClaimName());
                }
            }
        }
        return out;
    }

    private void seen(Pod p) {
        String n = p.getMetadata().getName();
        if (PodStates.ended(p) && !PodStates.deleting(p)) {
            endedOnItsOwn.add(n);
        }
        CompletableFuture<Pod> s = scheduled.get(n);
        if (s != null && (PodStates.scheduled(p) || PodStates.ended(p))) {
            s.complete(p);
        }
        CompletableFuture<Pod> r = ready.get(n);
        if (r != null) {
            if (PodStates.ready(p)) {
                r.complete(p);
            } else {
                ProvisioningException f = PodStates.startFailure(p);
                if (f != null) {
                    r.completeExceptionally(f);
                }
            }
        }
    }

    private void removed(Pod p) {
        synchronized (goneLock) {
            if (settled.remove(p.getMetadata().getUid())) {
                return; // handled when the API was found without it
            }
        }
        handleGone(p);
    }

    /**
     * The API no longer has a pod that the watch still shows: its deletion event was lost (a watch that reconnected
     * and missed it, a watch cache that skipped it). Handled as if the event had come, once; false when the watch has
     * seen it go meanwhile. The store removes a pod before its event is handled, so either this or the event handles
     * it, never both.
     */
    boolean confirmGone(Pod last) {
        String uid = last.getMetadata().getUid();
        synchronized (goneLock) {
            Pod now = rawGet(last.getMetadata().getName());
            if (now == null || uid == null || !uid.equals(now.getMetadata().getUid()) || !settled.add(uid)) {
                return false;
            }
        }
        handleGone(last);
        return true;
    }

    private void handleGone(Pod p) {
        String n = p.getMetadata().getName();
        boolean forced = PodStates.anyRunning(p);
        boolean early = endedOnItsOwn.remove(n);
        ProvisioningException deleted = new ProvisioningException(FailureKind.HOST_UNAVAILABLE, "the pod " + n
                + " was deleted before it was ready (by someone else, or its node went away)");
        completeExceptionally(scheduled.get(n), deleted);
        completeExceptionally(ready.get(n), deleted);
        executor.execute(() -> {
            try {
                listener.gone(p, forced, early);
            } finally {
                CompletableFuture<Void> g = gone.remove(n);
                if (g != null) {
                    g.complete(null);
                }
            }
        });
    }

    private static void completeExceptionally(CompletableFuture<Pod> f, Throwable t) {
        if (f != null) {
            f.completeExceptionally(t);
        }
    }

    /** Starts waiting for a pod before it is created, so that no event is missed. */
    void expect(String pod) {
        scheduled.put(pod, new CompletableFuture<>());
        ready.put(pod, new CompletableFuture<>());
    }

    /** Stops waiting for a pod (after its provision ended either way). */
    void forget(String pod) {
        scheduled.remove(pod);
        ready.remove(pod);
    }

    /**
     * Waits until the pod is on a node; null when it is not within {@code timeout} (still pending: no node can take
     * it, or the scheduler is slow).
     */
    Pod awaitScheduled(String pod, Duration timeout) throws ProvisioningException, InterruptedException {
        return await(scheduled.get(pod), pod, timeout);
    }

    /** Waits until the pod is Ready; null when it is not within {@code timeout}; throws when it cannot become so. */
    Pod awaitReady(String pod, Duration timeout) throws ProvisioningException, InterruptedException {
        return await(ready.get(pod), pod, timeout);
    }

    private Pod await(CompletableFuture<Pod> f, String pod, Duration timeout)
            throws ProvisioningException, InterruptedException {
        if (f == null) {
            throw new IllegalStateException("not waiting for pod " + pod + " (call expect first)");
        }
        Pod now = get(pod); // it may have got there before the future was registered
        if (now != null) {
            seen(now);
        }
        try {
            return f.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof ProvisioningException pe) {
                throw pe;
            }
            throw new ProvisioningException(FailureKind.UNKNOWN, String.valueOf(e.getCause()), e.getCause());
        }
    }

    /**
     * Starts waiting for a pod to be gone, before it is deleted (so that the event is not missed); false when it is
     * gone already.
     */
    boolean expectGone(String pod) {
        gone.putIfAbsent(pod, new CompletableFuture<>());
        if (get(pod) == null) {
            gone.remove(pod);
            return false;
        }
        return true;
    }

    /**
     * Waits until the pod is gone and the claim it mounted was dealt with; false when it still exists after
     * {@code timeout}. Call {@link #expectGone} first.
     */
    boolean awaitGone(String pod, Duration timeout) throws InterruptedException {
        CompletableFuture<Void> g = gone.get(pod);
        if (g == null) {
            return get(pod) == null;
        }
        try {
            g.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            gone.remove(pod, g);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            gone.remove(pod, g);
            return true;
        }
    }

    /** The pod as last seen, or null. */
    Pod get(String pod) {
        Pod p = rawGet(pod);
        return p == null || isSettled(p) ? null : p;
    }

    private Pod rawGet(String pod) {
        SharedIndexInformer<Pod> i = informer;
        return i == null ? null : i.getStore().getByKey(namespace + "/" + pod);
    }

    private boolean isSettled(Pod p) {
        return !settled.isEmpty() && settled.contains(p.getMetadata().getUid());
    }

    /** Every pod of ours as the watch sees it. */
    List<Pod> all() {
        SharedIndexInformer<Pod> i = informer;
        return i == null ? List.of() : i.getStore().list().stream().filter(p -> !isSettled(p)).toList();
    }

    /** Whether a pod the API knows of (terminating ones included) mounts the claim. */
    boolean mounts(String claim) {
        SharedIndexInformer<Pod> i = informer;
        return i != null && i.getIndexer().byIndex(BY_CLAIM, claim).stream().anyMatch(p -> !isSettled(p));
    }

    /** The pod of an agent, or null. */
    Pod ofAgent(String agent) {
        SharedIndexInformer<Pod> i = informer;
        if (i == null) {
            return null;
        }
        return i.getIndexer().byIndex(BY_AGENT, agent).stream().filter(p -> !isSettled(p)).findFirst().orElse(null);
    }

    boolean started() {
        return informer != null;
    }
}
