package io.jenkins.plugins.syscontainer.engine.k8s.sim;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The independent check of the one invariant that matters: no persistent claim is ever mounted by two pods at once.
 * It knows nothing of the backend or its lease state. With a client of its own it watches every pod of a namespace
 * and keeps, for each claim, the pods that exist in the API and mount it, from the pod's ADDED event until its
 * DELETED event (terminating pods included, since their volumes may still be mounted). A second pod on a claim that
 * already has one is a double mount; each is recorded with both pods' names.
 */
public final class MountWatcher implements AutoCloseable {
    private final SharedIndexInformer<Pod> informer;
    private final Map<String, Set<String>> podsByClaim = new HashMap<>();
    private final List<String> doubleMounts = new ArrayList<>();
    private int peakPods;

    public MountWatcher(KubernetesClient client, String namespace) throws Exception {
        informer = client.pods().inNamespace(namespace).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<Pod>() {
            @Override
            public void onAdd(Pod p) {
                mounted(p);
            }

            @Override
            public void onUpdate(Pod old, Pod p) {
                mounted(p);
            }

            @Override
            public void onDelete(Pod p, boolean finalStateUnknown) {
                unmounted(p);
            }
        });
        informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
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

    private static String id(Pod p) {
        return p.getMetadata().getName() + "/" + p.getMetadata().getUid();
    }

    private synchronized void mounted(Pod p) {
        String id = id(p);
        for (String claim : claims(p)) {
            Set<String> pods = podsByClaim.computeIfAbsent(claim, k -> new HashSet<>());
            if (pods.add(id) && pods.size() > 1) {
                doubleMounts.add("claim " + claim + " mounted by " + pods);
            }
        }
        peakPods = Math.max(peakPods, informer.getStore().list().size());
    }

    private synchronized void unmounted(Pod p) {
        String id = id(p);
        for (String claim : claims(p)) {
            Set<String> pods = podsByClaim.get(claim);
            if (pods != null) {
                pods.remove(id);
                if (pods.isEmpty()) {
                    podsByClaim.remove(claim);
                }
            }
        }
    }

    /** Every double mount seen so far. */
    public synchronized List<String> doubleMounts() {
        return List.copyOf(doubleMounts);
    }

    /** Claims mounted by a pod that exists now. */
    public synchronized Set<String> mountedClaims() {
        return Set.copyOf(podsByClaim.keySet());
    }

    @Override
    public void close() {
        informer.stop();
    }
}
