package io.jenkins.plugins.syscontainer.engine;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * How long agents took to start, per template: the last {@link #CAPACITY} starts of each, in memory only (a restart
 * begins anew), so the cost is bounded whatever the traffic. Summaries are the median and the 90th percentile.
 */
public final class StartTimings {
    public static final int CAPACITY = 200;

    /**
     * One start. Durations in milliseconds, -1 when unknown: from the build entering the queue to the agent online,
     * the inner Docker's start (container started to inner Docker answering), and the attach (container ready to the
     * agent online); warm when the agent leased a cache volume an earlier agent had used.
     */
    public record Sample(Instant at, long queueToOnlineMs, long innerDockerReadyMs, long attachMs, boolean warm) {
    }

    /** Median and 90th percentile of one figure over the samples that have it; count 0 when none has. */
    public record Figure(int count, long p50, long p90) {
    }

    public record Summary(int starts, int warm, int cold, Figure queueToOnline, Figure innerDockerReady, Figure attach,
            Figure queueToOnlineWarm, Figure queueToOnlineCold) {
    }

    private final Map<String, Deque<Sample>> byTemplate = new LinkedHashMap<>();

    public synchronized void record(String template, Sample s) {
        Deque<Sample> d = byTemplate.computeIfAbsent(template, k -> new ArrayDeque<>());
        d.addLast(s);
        while (d.size() > CAPACITY) {
            d.removeFirst();
        }
    }

    public synchronized List<String> templates() {
        return new ArrayList<>(byTemplate.keySet());
    }

    /** The kept starts of a template, oldest first. */
    public synchronized List<Sample> samples(String template) {
        Deque<Sample> d = byTemplate.get(template);
        return d == null ? List.of() : new ArrayList<>(d);
    }

    public Summary summary(String template) {
        List<Sample> s = samples(template);
        List<Sample> warm = s.stream().filter(Sample::warm).toList();
        List<Sample> cold = s.stream().filter(x -> !x.warm()).toList();
        return new Summary(s.size(), warm.size(), cold.size(), figure(s, Sample::queueToOnlineMs),
                figure(s, Sample::innerDockerReadyMs), figure(s, Sample::attachMs), figure(warm, Sample::queueToOnlineMs),
                figure(cold, Sample::queueToOnlineMs));
    }

    static Figure figure(List<Sample> samples, ToLongFunction<Sample> value) {
        long[] v = samples.stream().mapToLong(value).filter(x -> x >= 0).sorted().toArray();
        if (v.length == 0) {
            return new Figure(0, -1, -1);
        }
        return new Figure(v.length, percentile(v, 50), percentile(v, 90));
    }

    /** The nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
