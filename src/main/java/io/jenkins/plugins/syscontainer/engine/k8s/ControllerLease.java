package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.syscontainer.engine.HostHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One {@code coordination.k8s.io} Lease per controller id: the fencing token that makes this process the only one
 * managing the id's cache claims. A second process with the same id (a restored backup of JENKINS_HOME, a copy
 * started for a test) finds a live holder and manages nothing until the lease has expired. Every change of holder
 * raises {@code leaseTransitions}: that number is this holder's token, written on every claim it leases.
 *
 * <p>Taken and renewed by compare-and-swap on the Lease's resourceVersion; the holder counts itself valid only until
 * its last successful renewal plus the lease's duration, minus a margin for clock skew, so that it stops leasing
 * before another process may take over. State is owned by this object; {@link #renew} runs on the backend's timer.
 */
final class ControllerLease {
    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String controllerLabel;
    private final String holder;
    private final Duration duration;
    private final Clock clock;
    private final ApiCalls calls;
    private volatile Instant validUntil = Instant.MIN;
    private volatile long token = -1;
    private volatile String otherHolder;
    private boolean renewing;

    ControllerLease(KubernetesClient client, String namespace, String controllerLabel, String holder, Duration duration,
            Clock clock, ApiCalls calls) {
        this.client = client;
        this.namespace = namespace;
        this.name = "sca-controller-" + controllerLabel;
        this.controllerLabel = controllerLabel;
        this.holder = holder;
        this.duration = duration;
        this.clock = clock;
        this.calls = calls;
    }

    String name() {
        return name;
    }

    String holder() {
        return holder;
    }

    /** This holder's fencing token, or -1 when it does not hold the lease. */
    long token() {
        return valid() ? token : -1;
    }

    /** Whether this process holds the lease now, with a margin of a third of its duration for clock skew. */
    boolean valid() {
        return clock.instant().isBefore(validUntil);
    }

    /** Who else held the lease when this process last failed to take it (for messages), or null. */
    String otherHolder() {
        return otherHolder;
    }

    /** Takes the lease if it is free, expired or already ours; false when another live holder has it. */
    synchronized boolean acquire() {
        Instant now = clock.instant();
        Lease current;
        try {
            current = calls.read(() -> client.leases().inNamespace(namespace).withName(name).get());
        } catch (KubernetesClientException e) {
            otherHolder = "(the API answered " + e.getCode() + ": " + e.getMessage() + ")";
            return false;
        }
        if (current == null) {
            Lease fresh = new LeaseBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                    .withLabels(Map.of(KubeNames.CONTROLLER, controllerLabel)).endMetadata()
                    .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds((int) duration.toSeconds())
                    .withAcquireTime(time(now)).withRenewTime(time(now)).withLeaseTransitions(0).endSpec().build();
            try {
                calls.write(() -> client.leases().inNamespace(namespace).resource(fresh).create());
                held(now, 0);
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    otherHolder = "(another process created the lease at the same moment)";
                    return false;
                }
                throw e;
            }
        }
        if (current.getSpec() == null) {
            current = new LeaseBuilder(current).withNewSpec().endSpec().build();
        }
        String h = current.getSpec().getHolderIdentity();
        boolean ours = holder.equals(h);
        if (!ours && h != null && !h.isEmpty() && !expired(current, now)) {
            otherHolder = h + " (renewed " + current.getSpec().getRenewTime() + ")";
            return false;
        }
        int transitions = current.getSpec().getLeaseTransitions() == null ? 0 : current.getSpec().getLeaseTransitions();
        int next = ours ? transitions : transitions + 1;
        Lease taken = new LeaseBuilder(current).editSpec().withHolderIdentity(holder)
                .withLeaseDurationSeconds((int) duration.toSeconds()).withRenewTime(time(now))
                .withAcquireTime(ours ? current.getSpec().getAcquireTime() : time(now)).withLeaseTransitions(next)
                .endSpec().build();
        try {
            calls.write(() -> client.leases().inNamespace(namespace).resource(taken).update());
            held(now, next);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                otherHolder = "(another process took the lease at the same moment)";
                return false;
            }
            throw e;
        }
    }

    private void held(Instant at, long t) {
        token = t;
        otherHolder = null;
        validUntil = at.plus(duration).minus(duration.dividedBy(3));
    }

    private static boolean expired(Lease l, Instant now) {
        ZonedDateTime renew = l.getSpec().getRenewTime();
        Integer secs = l.getSpec().getLeaseDurationSeconds();
        return renew == null || secs == null || renew.toInstant().plusSeconds(secs).isBefore(now);
    }

    /**
     * Renews the lease (or takes it again, after it lapsed while the API did not answer); false when another holder
     * has it. Called every third of the lease's duration.
     */
    synchronized boolean renew() {
        if (token < 0) {
            return acquire();
        }
        Instant now = clock.instant();
        try {
            Lease current = calls.read(() -> client.leases().inNamespace(namespace).withName(name).get());
            if (current == null || !holder.equals(current.getSpec().getHolderIdentity())) {
                token = -1;
                validUntil = Instant.MIN;
                return acquire();
            }
            Lease renewed = new LeaseBuilder(current).editSpec().withRenewTime(time(now)).endSpec().build();
            calls.write(() -> client.leases().inNamespace(namespace).resource(renewed).update());
            held(now, current.getSpec().getLeaseTransitions() == null ? 0 : current.getSpec().getLeaseTransitions());
            return true;
        } catch (KubernetesClientException e) {
            return false; // still valid until validUntil; the next renewal tries again
        }
    }

    /**
     * Renews the lease every third of its duration on {@code timer} from now on (once; later calls change nothing),
     * reporting to {@code health} when it could not be renewed and has lapsed.
     */
    synchronized void keepRenewed(ScheduledExecutorService timer, HostHealth health) {
        if (renewing) {
            return;
        }
        long every = Math.max(500, duration.toMillis() / 3);
        timer.scheduleWithFixedDelay(() -> {
            if (renew()) {
                health.markSuccess();
            } else if (!valid()) {
                health.markFailure("the controller lease " + name + " could not be renewed"
                        + (otherHolder != null ? ": held by " + otherHolder : ""));
            }
        }, every, every, TimeUnit.MILLISECONDS);
        renewing = true;
    }

    /** Gives the lease up (a clean shutdown): another process may take it at once. */
    synchronized void release() {
        if (token < 0) {
            return;
        }
        token = -1;
        validUntil = Instant.MIN;
        try {
            Lease current = calls.read(() -> client.leases().inNamespace(namespace).withName(name).get());
            if (current != null && holder.equals(current.getSpec().getHolderIdentity())) {
                Lease freed = new LeaseBuilder(current).editSpec().withHolderIdentity(null).endSpec().build();
                calls.write(() -> client.leases().inNamespace(namespace).resource(freed).update());
            }
        } catch (RuntimeException e) {
            // unreachable, or the client is closed: the lease lapses by itself
        }
    }

    private static ZonedDateTime time(Instant i) {
        return ZonedDateTime.ofInstant(i, ZoneOffset.UTC);
    }
}
