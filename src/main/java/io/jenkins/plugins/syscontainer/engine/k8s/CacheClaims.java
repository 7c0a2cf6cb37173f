package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The cache pool on Kubernetes: one PersistentVolumeClaim per cache volume, its lease state in its own annotations.
 *
 * <p>A lease is a compare-and-swap: the claim, as last seen, is written back as {@code leased} by this agent with the
 * resourceVersion it was read with; the API server refuses the write with 409 when anyone changed the claim since,
 * and then the next idle claim is tried. A claim is handed out only when no pod the API knows of mounts it (the
 * counterpart of asking Docker which container uses a volume), and with ReadWriteOncePod the scheduler refuses a
 * second pod on top. Releases happen only once the pod is gone ({@link PodWatch}); after an abnormal end or a
 * forced deletion the claim is quarantined, never handed out again, and removed by the next maintenance.
 *
 * <p>Its view of the claims is an informer's (a watch), so choosing a claim costs no API call; only the writes do.
 */
final class CacheClaims {
    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final String controllerLabel;
    private final String controllerId;
    private final Clock clock;
    private final ApiCalls calls;
    private volatile SharedIndexInformer<PersistentVolumeClaim> informer;
    /** Claims this process leased and has not released yet, by name: the informer may lag behind our writes. */
    private final Map<String, Hold> held = new ConcurrentHashMap<>();
    /** Claims a thread of this process is trying to lease right now. */
    private final Set<String> trying = ConcurrentHashMap.newKeySet();
    private final Map<String, Counters> counters = new ConcurrentHashMap<>();

    private static final class Counters {
        final AtomicLong hits = new AtomicLong();
        final AtomicLong misses = new AtomicLong();
        final AtomicLong evictions = new AtomicLong();
    }

    private record Hold(String agent, String key) {
    }

    /** A claim leased to one agent; {@code fresh}: created for it (a cold cache). */
    record ClaimLease(String name, boolean fresh) {
    }

    CacheClaims(KubernetesClient client, KubernetesSettings settings, String controllerLabel, String controllerId,
            Clock clock, ApiCalls calls) {
        this.client = client;
        this.settings = settings;
        this.controllerLabel = controllerLabel;
        this.controllerId = controllerId;
        this.clock = clock;
        this.calls = calls;
    }

    /** Starts watching this controller's claims; waits for the first listing. */
    void start(Duration timeout) throws Exception {
        if (informer != null) {
            return;
        }
        SharedIndexInformer<PersistentVolumeClaim> i = client.persistentVolumeClaims().inNamespace(settings.namespace())
                .withLabel(KubeNames.CONTROLLER, controllerLabel).withLabel(KubeNames.ROLE, KubeNames.ROLE_CACHE)
                .runnableInformer(0);
        try {
            i.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            i.stop();
            throw e;
        }
        informer = i;
    }

    void stop() {
        SharedIndexInformer<PersistentVolumeClaim> i = informer;
        if (i != null) {
            i.stop();
        }
    }

    /** Every claim of this controller as the watch sees it. */
    List<ClaimView> all() {
        SharedIndexInformer<PersistentVolumeClaim> i = informer;
        if (i == null) {
            return List.of();
        }
        return i.getStore().list().stream().map(ClaimView::of).toList();
    }

    private List<ClaimView> ofKey(String key) {
        return all().stream().filter(c -> key.equals(c.cacheKey())).toList();
    }

    /**
     * Leases the warmest idle claim of the request's pool that no pod mounts, or creates one while the pool is under
     * its cap; null when the pool is full and busy (the agent then gets an emptyDir). {@code forceFresh}: a new claim
     * only (the retry after an inner Docker that did not start).
     */
    ClaimLease lease(ProvisionRequest req, long fence, Predicate<String> mounted, boolean forceFresh) {
        String key = req.cacheKey();
        String agent = req.identity().agentName();
        Counters n = counters.computeIfAbsent(key, k -> new Counters());
        if (!forceFresh) {
            List<ClaimView> idle = new ArrayList<>(ofKey(key).stream().filter(ClaimView::idle).toList());
            idle.sort(Comparator.comparing(ClaimView::lastUsed).reversed());
            for (ClaimView c : idle) {
                if (held.containsKey(c.name()) || mounted.test(c.name()) || !trying.add(c.name())) {
                    continue;
                }
                try {
                    PersistentVolumeClaim leased = annotate(c.raw(), ClaimView.LEASED, agent, fence, null, req);
                    calls.write(() -> client.persistentVolumeClaims().inNamespace(settings.namespace())
                            .resource(leased).update());
                    held.put(c.name(), new Hold(agent, key));
                    n.hits.incrementAndGet();
                    return new ClaimLease(c.name(), false);
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409 && e.getCode() != 404) {
                        throw e;
                    }
                    // 409: another lease won (or the claim changed) since the watch saw it; 404: it was evicted
                } finally {
                    trying.remove(c.name());
                }
            }
        }
        synchronized (n) { // one creator per pool in this process: the cap is not overshot by our own threads
            Set<String> names = new HashSet<>();
            ofKey(key).stream().filter(c -> !ClaimView.EVICTING.equals(c.state())).forEach(c -> names.add(c.name()));
            held.forEach((claim, h) -> {
                if (h.key().equals(key)) {
                    names.add(claim);
                }
            });
            if (names.size() >= req.cache().maxVolumes()) {
                return null;
            }
            String name = prefix(key) + UUID.randomUUID().toString().substring(0, 8);
            PersistentVolumeClaim fresh = annotate(newClaim(name, key), ClaimView.LEASED, agent, fence, null, req);
            calls.write(() -> client.persistentVolumeClaims().inNamespace(settings.namespace()).resource(fresh)
                    .create());
            held.put(name, new Hold(agent, key));
            n.misses.incrementAndGet();
            return new ClaimLease(name, true);
        }
    }

    /** Names of a pool's claims start with this: the controller, then the cache key. */
    private String prefix(String key) {
        String k = KubeNames.dnsLabel("", key);
        k = k.length() > 30 ? k.substring(0, 30) : k;
        return "sca-" + controllerLabel.substring(2, 10) + "-" + k.replaceAll("-+$", "") + "-";
    }

    private PersistentVolumeClaim newClaim(String name, String key) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(KubeNames.ROLE, KubeNames.ROLE_CACHE);
        labels.put(KubeNames.CONTROLLER, controllerLabel);
        labels.put(KubeNames.CACHE_KEY, KubeNames.labelValue(key));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(KubeNames.CONTROLLER_ID, controllerId);
        annotations.put(KubeNames.CACHE_KEY_NAME, key);
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).withNamespace(settings.namespace()).withLabels(labels)
                .withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withAccessModes(settings.readWriteOncePod() ? "ReadWriteOncePod" : "ReadWriteOnce")
                .withStorageClassName(settings.storageClass())
                .withNewResources().addToRequests("storage", new Quantity(settings.dockerDataGi() + "Gi")).endResources()
                .endSpec().build();
    }

    /** A copy of {@code pvc} in {@code state}; {@code req} (when leasing) carries the pool's settings. */
    private PersistentVolumeClaim annotate(PersistentVolumeClaim pvc, String state, String agent, long fence,
            String note, ProvisionRequest req) {
        PersistentVolumeClaimBuilder b = new PersistentVolumeClaimBuilder(pvc);
        Map<String, String> a = new LinkedHashMap<>(pvc.getMetadata().getAnnotations() == null ? Map.of()
                : pvc.getMetadata().getAnnotations());
        a.put(KubeNames.STATE, state);
        a.put(KubeNames.LAST_USED, clock.instant().toString());
        if (agent != null) {
            a.put(KubeNames.LEASED_BY, agent);
            a.put(KubeNames.FENCE, String.valueOf(fence));
        } else {
            a.remove(KubeNames.LEASED_BY);
        }
        if (note != null) {
            a.put(KubeNames.NOTE, note);
        } else if (!ClaimView.QUARANTINED.equals(state)) {
            a.remove(KubeNames.NOTE);
        }
        if (req != null) {
            a.put(KubeNames.IDLE_TTL, String.valueOf(req.cache().idleTtl().toSeconds()));
            a.put(KubeNames.KEEP_QUARANTINED, String.valueOf(req.cache().keepQuarantined()));
        }
        return b.editMetadata().withAnnotations(a).endMetadata().build();
    }

    /**
     * Gives a claim back once its pod is gone: idle (warm for the next agent) or, when {@code healthy} is false,
     * quarantined with {@code why}. Only the agent that leased it can release it; a claim another agent holds by now
     * is left alone. Retries a write that lost a race with another writer.
     */
    void release(String claim, String agent, boolean healthy, String why) {
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                PersistentVolumeClaim cur = attempt == 0 ? cached(claim) : null;
                if (cur == null) {
                    cur = calls.read(() -> client.persistentVolumeClaims().inNamespace(settings.namespace())
                            .withName(claim).get());
                }
                if (cur == null) {
                    return;
                }
                ClaimView v = ClaimView.of(cur);
                if (!v.leased() || !agent.equals(v.leasedBy())) {
                    if (attempt == 0) {
                        continue; // the watch may not have seen our own lease yet: ask the API before giving up
                    }
                    return;
                }
                PersistentVolumeClaim next = annotate(cur, healthy ? ClaimView.IDLE : ClaimView.QUARANTINED, null, 0,
                        healthy ? null : why, null);
                try {
                    calls.write(() -> client.persistentVolumeClaims().inNamespace(settings.namespace()).resource(next)
                            .update());
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 404) {
                        return;
                    }
                    if (e.getCode() != 409) {
                        throw e;
                    }
                }
            }
            throw new IllegalStateException("releasing claim " + claim + " lost five races in a row");
        } finally {
            held.computeIfPresent(claim, (k, h) -> h.agent().equals(agent) ? null : h);
        }
    }

    private PersistentVolumeClaim cached(String claim) {
        SharedIndexInformer<PersistentVolumeClaim> i = informer;
        return i == null ? null : i.getStore().getByKey(settings.namespace() + "/" + claim);
    }

    /** After a restart: a claim an agent of ours still holds belongs to it (this process will release it). */
    void adopt(String claim, String agent, String key) {
        held.put(claim, new Hold(agent, key == null ? "?" : key));
    }

    /** After a restart: the claims that agent pods of ours mount (and are not being deleted) are theirs again. */
    void adoptMounted(List<Pod> pods) {
        for (Pod p : pods) {
            Map<String, String> l = p.getMetadata().getLabels();
            Map<String, String> a = p.getMetadata().getAnnotations();
            String agent = a == null ? null : a.get(KubeNames.AGENT_NAME);
            if (agent != null && l != null && l.get(KubeNames.CACHE_VOLUME) != null && !PodStates.deleting(p)) {
                adopt(l.get(KubeNames.CACHE_VOLUME), agent, a.get(KubeNames.CACHE_KEY_NAME));
            }
        }
    }

    /** Whether this process has leased the claim and not released it yet. */
    boolean heldHere(String claim) {
        return held.containsKey(claim);
    }

    /**
     * Removes a claim that nobody leases: it is first marked {@code evicting} (by compare-and-swap, so a lease racing
     * with the eviction wins or loses cleanly), then deleted. Kubernetes keeps a claim that a pod still mounts until
     * that pod is gone (pvc-protection).
     */
    boolean evict(String claim) {
        PersistentVolumeClaim cur = cached(claim);
        if (cur == null) {
            return false;
        }
        ClaimView v = ClaimView.of(cur);
        if (!(v.idle() || ClaimView.QUARANTINED.equals(v.state())) || held.containsKey(claim)) {
            return false;
        }
        try {
            calls.write(() -> client.persistentVolumeClaims().inNamespace(settings.namespace())
                    .resource(annotate(cur, ClaimView.EVICTING, null, 0, v.note(), null)).update());
            calls.write(() -> client.persistentVolumeClaims().inNamespace(settings.namespace()).withName(claim).delete());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) {
                return false;
            }
            throw e;
        }
        if (v.cacheKey() != null) {
            counters.computeIfAbsent(v.cacheKey(), k -> new Counters()).evictions.incrementAndGet();
        }
        return true;
    }

    /**
     * One maintenance pass: quarantined claims go (unless kept for inspection), idle claims past their time to live
     * go, then the least recently used idle claims until the requested storage of all claims fits the budget.
     */
    List<String> maintain(long budgetBytes) {
        Instant now = clock.instant();
        List<String> evicted = new ArrayList<>();
        List<ClaimView> claims = all();
        for (ClaimView c : claims) {
            boolean expired = c.idle() && c.idleTtlSeconds() > 0
                    && c.lastUsed().plusSeconds(c.idleTtlSeconds()).isBefore(now);
            boolean dropQuarantined = ClaimView.QUARANTINED.equals(c.state()) && !c.keepQuarantined();
            if ((expired || dropQuarantined) && evict(c.name())) {
                evicted.add(c.name());
            }
        }
        long total = all().stream().filter(c -> !ClaimView.EVICTING.equals(c.state())).mapToLong(ClaimView::sizeBytes)
                .sum();
        List<ClaimView> idle = new ArrayList<>(all().stream().filter(ClaimView::idle).toList());
        idle.sort(Comparator.comparing(ClaimView::lastUsed));
        for (ClaimView c : idle) {
            if (total <= budgetBytes) {
                break;
            }
            if (evict(c.name())) {
                evicted.add(c.name());
                total -= c.sizeBytes();
            }
        }
        return evicted;
    }

    /** The pools for the status page and the command line. */
    List<CacheStats> stats() {
        Map<String, List<CacheStats.VolumeInfo>> byKey = new LinkedHashMap<>();
        for (ClaimView c : all()) {
            String key = c.cacheKey() == null ? "?" : c.cacheKey();
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new CacheStats.VolumeInfo(c.name(), c.state(),
                    c.sizeBytes(), c.lastUsed(), c.leasedBy(), c.note()));
        }
        counters.keySet().forEach(k -> byKey.computeIfAbsent(k, x -> new ArrayList<>()));
        List<CacheStats> out = new ArrayList<>();
        byKey.forEach((key, vols) -> {
            Counters n = counters.get(key);
            out.add(new CacheStats(settings.place(), key, vols, n == null ? 0 : n.hits.get(),
                    n == null ? 0 : n.misses.get(), n == null ? 0 : n.evictions.get()));
        });
        return out;
    }

    /** Deletes every claim of this controller (a deleted cloud); the names removed. */
    List<String> deleteAll(List<String> errors) {
        List<String> removed = new ArrayList<>();
        for (ClaimView c : all()) {
            try {
                calls.write(() -> client.persistentVolumeClaims().inNamespace(settings.namespace()).withName(c.name())
                        .delete());
                removed.add(c.name());
            } catch (KubernetesClientException e) {
                errors.add("claim " + c.name() + ": " + e.getMessage());
            }
        }
        return removed;
    }
}
