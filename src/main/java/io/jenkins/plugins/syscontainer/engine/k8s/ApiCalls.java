package io.jenkins.plugins.syscontainer.engine.k8s;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Counts the backend's calls to the API server: reads, writes, and writes refused with 409 Conflict (a stale
 * resourceVersion: another lease won). For the status page and the scale simulation; it changes no call.
 */
public final class ApiCalls {
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();

    /** The counts at one moment. */
    public record Counts(long reads, long writes, long conflicts) {
    }

    <T> T read(Supplier<T> call) {
        reads.incrementAndGet();
        return call.get();
    }

    <T> T write(Supplier<T> call) {
        writes.incrementAndGet();
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                conflicts.incrementAndGet();
            }
            throw e;
        }
    }

    public Counts counts() {
        return new Counts(reads.get(), writes.get(), conflicts.get());
    }
}
