package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * A cache claim as its annotations describe it: the lease state lives on the claim itself, in the API, so every
 * controller (and every restart of one) reads the same truth.
 */
record ClaimView(String name, String state, String leasedBy, String cacheKey, Instant lastUsed, long sizeBytes,
        String note, long idleTtlSeconds, boolean keepQuarantined, PersistentVolumeClaim raw) {
    static final String IDLE = "idle";
    static final String LEASED = "leased";
    static final String QUARANTINED = "quarantined";
    static final String EVICTING = "evicting";

    static ClaimView of(PersistentVolumeClaim pvc) {
        Map<String, String> a = pvc.getMetadata().getAnnotations() == null ? Map.of() : pvc.getMetadata().getAnnotations();
        long size = 0;
        if (pvc.getSpec() != null && pvc.getSpec().getResources() != null
                && pvc.getSpec().getResources().getRequests() != null) {
            Quantity q = pvc.getSpec().getResources().getRequests().get("storage");
            if (q != null) {
                try {
                    size = Quantity.getAmountInBytes(q).longValue();
                } catch (ArithmeticException | IllegalArgumentException e) {
                    size = 0;
                }
            }
        }
        long ttl;
        try {
            ttl = Long.parseLong(a.getOrDefault(KubeNames.IDLE_TTL, "0"));
        } catch (NumberFormatException e) {
            ttl = 0;
        }
        String state = a.getOrDefault(KubeNames.STATE, QUARANTINED);
        if (pvc.getMetadata().getDeletionTimestamp() != null) {
            state = EVICTING;
        }
        return new ClaimView(pvc.getMetadata().getName(), state, a.get(KubeNames.LEASED_BY),
                a.get(KubeNames.CACHE_KEY_NAME), instant(a.get(KubeNames.LAST_USED)), size, a.get(KubeNames.NOTE), ttl,
                "true".equals(a.get(KubeNames.KEEP_QUARANTINED)), pvc);
    }

    private static Instant instant(String s) {
        if (s == null) {
            return Instant.EPOCH;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    boolean idle() {
        return IDLE.equals(state);
    }

    boolean leased() {
        return LEASED.equals(state);
    }
}
