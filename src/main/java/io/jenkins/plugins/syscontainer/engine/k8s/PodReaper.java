package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.syscontainer.engine.ReapReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * One reaper pass over this controller's objects in the namespace: pods whose agent Jenkins no longer knows (older
 * than the grace, and not being provisioned now) are deleted gracefully, probe pods left behind likewise; agents
 * whose pod ended are reported; and claims still marked leased to an agent whose pod is gone (it went while this
 * controller was not watching) are quarantined: nobody can say whether that pod ended cleanly.
 */
final class PodReaper {
    private static final Logger LOG = Logger.getLogger(PodReaper.class.getName());
    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final PodWatch watch;
    private final CacheClaims claims;
    private final ApiCalls calls;
    private final Clock clock;
    private final String controllerLabel;

    PodReaper(KubernetesClient client, KubernetesSettings settings, PodWatch watch, CacheClaims claims, ApiCalls calls,
            Clock clock, String controllerLabel) {
        this.controllerLabel = controllerLabel;
        this.client = client;
        this.settings = settings;
        this.watch = watch;
        this.claims = claims;
        this.calls = calls;
        this.clock = clock;
    }

    /** {@code provisioning}: agents whose provision is under way here (their pods are not orphans). */
    ReapReport reap(Set<String> liveAgents, Predicate<String> provisioning, Predicate<String> heldHere, Duration grace,
            boolean manageClaims) {
        Instant now = clock.instant();
        List<String> removed = new ArrayList<>();
        List<String> exited = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try {
            List<String> missed = settleMissedDeletions();
            if (!missed.isEmpty()) {
                LOG.warning(() -> "the watch on the pods of " + settings.namespace() + " missed the deletion of "
                        + missed + "; handled as gone now");
            }
        } catch (KubernetesClientException e) {
            errors.add("listing pods: " + e.getMessage());
        }
        for (Pod p : watch.all()) {
            String name = p.getMetadata().getName();
            Map<String, String> ann = p.getMetadata().getAnnotations() == null ? Map.of() : p.getMetadata().getAnnotations();
            String agent = ann.get(KubeNames.AGENT_NAME);
            boolean probe = p.getMetadata().getLabels() != null
                    && KubeNames.ROLE_PROBE.equals(p.getMetadata().getLabels().get(KubeNames.ROLE));
            Instant created = created(p, now);
            boolean old = created.plus(grace).isBefore(now);
            if (PodStates.deleting(p)) {
                continue;
            }
            if (probe ? old : agent != null && !liveAgents.contains(agent) && !provisioning.test(agent) && old) {
                try {
                    calls.write(() -> client.pods().inNamespace(settings.namespace()).withName(name)
                            .withGracePeriod(settings.terminationGrace().toSeconds()).delete());
                    removed.add(agent != null ? agent : name);
                } catch (KubernetesClientException e) {
                    errors.add("pod " + name + ": " + e.getMessage());
                }
            } else if (agent != null && liveAgents.contains(agent) && PodStates.ended(p)) {
                exited.add(agent + " " + PodStates.endReason(p));
            }
        }
        if (manageClaims) {
            List<String> quarantined = settleClaims(provisioning, heldHere);
            if (!quarantined.isEmpty()) {
                errors.add("claims quarantined, their pods went unseen: " + quarantined);
            }
        }
        return new ReapReport(settings.place(), removed, exited, errors, List.of());
    }

    /**
     * One list of this controller's pods, compared with the watch's view taken before it: a pod the watch shows that
     * the list lacks is gone (a pod created meanwhile is not in the view, so it cannot be taken for gone). The names.
     */
    List<String> settleMissedDeletions() {
        List<Pod> seen = watch.all();
        if (seen.isEmpty()) {
            return List.of();
        }
        Set<String> present = new HashSet<>();
        calls.read(() -> client.pods().inNamespace(settings.namespace()).withLabel(KubeNames.CONTROLLER, controllerLabel)
                .list().getItems()).forEach(p -> present.add(p.getMetadata().getUid()));
        List<String> missed = new ArrayList<>();
        for (Pod p : seen) {
            if (!present.contains(p.getMetadata().getUid()) && watch.confirmGone(p)) {
                missed.add(p.getMetadata().getName());
            }
        }
        return missed;
    }

    /**
     * Claims still marked leased to an agent that has no pod (and is not being provisioned here) are quarantined: the
     * pod went while nobody watched, so whether it ended cleanly is unknown. The claims quarantined.
     */
    List<String> settleClaims(Predicate<String> provisioning, Predicate<String> heldHere) {
        List<String> quarantined = new ArrayList<>();
        for (ClaimView c : claims.all()) {
            if (c.leased() && c.leasedBy() != null && !heldHere.test(c.name()) && !provisioning.test(c.leasedBy())
                    && watch.ofAgent(c.leasedBy()) == null && !watch.mounts(c.name())) {
                claims.release(c.name(), c.leasedBy(), false, "leased to " + c.leasedBy() + ", whose pod is gone"
                        + " (it ended while this controller was not watching: whether cleanly is unknown)");
                quarantined.add(c.name());
            }
        }
        return quarantined;
    }

    private static Instant created(Pod p, Instant fallback) {
        String ts = p.getMetadata().getCreationTimestamp();
        try {
            return ts == null ? fallback : Instant.parse(ts);
        } catch (java.time.format.DateTimeParseException e) {
            return fallback;
        }
    }

    /** Removes everything of this controller (a deleted cloud): its pods, its claims and its controller Lease. */
    ReapReport discardAll(String leaseName) {
        List<String> errors = new ArrayList<>();
        List<String> pods = deleteAll(errors);
        List<String> removedClaims = claims.deleteAll(errors);
        try {
            calls.write(() -> client.leases().inNamespace(settings.namespace()).withName(leaseName).delete());
        } catch (KubernetesClientException e) {
            errors.add("lease " + leaseName + ": " + e.getMessage());
        }
        return new ReapReport(settings.place(), pods, List.of(), errors, removedClaims);
    }

    /** Deletes every pod of this controller at once (a deleted cloud); the pods removed. */
    List<String> deleteAll(List<String> errors) {
        List<String> removed = new ArrayList<>();
        for (Pod p : watch.all()) {
            String name = p.getMetadata().getName();
            try {
                calls.write(() -> client.pods().inNamespace(settings.namespace()).withName(name)
                        .withGracePeriod(settings.terminationGrace().toSeconds()).delete());
                removed.add(name);
            } catch (KubernetesClientException e) {
                errors.add("pod " + name + ": " + e.getMessage());
            }
        }
        return removed;
    }
}
