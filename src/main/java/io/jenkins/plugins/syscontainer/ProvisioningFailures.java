package io.jenkins.plugins.syscontainer;

import io.jenkins.plugins.syscontainer.engine.FailureKind;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The last provisioning failures of each cloud, newest first, for its page: bounded, in memory only. */
public final class ProvisioningFailures {
    static final int KEPT = 20;

    public record Failure(Instant at, String template, FailureKind kind, String message) {
    }

    private static final Map<String, Deque<Failure>> BY_CLOUD = new ConcurrentHashMap<>();

    private ProvisioningFailures() {
    }

    static void record(String cloudId, String template, FailureKind kind, String message) {
        Deque<Failure> d = BY_CLOUD.computeIfAbsent(cloudId, k -> new ArrayDeque<>());
        synchronized (d) {
            d.addFirst(new Failure(Instant.now(), template, kind, message));
            while (d.size() > KEPT) {
                d.removeLast();
            }
        }
    }

    static List<Failure> of(String cloudId) {
        Deque<Failure> d = BY_CLOUD.get(cloudId);
        if (d == null) {
            return List.of();
        }
        synchronized (d) {
            return new ArrayList<>(d);
        }
    }

    static void forget(String cloudId) {
        BY_CLOUD.remove(cloudId);
    }
}
