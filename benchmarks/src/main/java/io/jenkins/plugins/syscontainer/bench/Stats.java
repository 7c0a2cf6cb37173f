package io.jenkins.plugins.syscontainer.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Repetitions of one figure: median and 90th percentile, printed as one JSON line. */
final class Stats {
    final String figure;
    final List<Double> ms = new ArrayList<>();

    Stats(String figure) {
        this.figure = figure;
    }

    void add(double millis) {
        ms.add(millis);
    }

    double median() {
        return pct(50);
    }

    double p90() {
        return pct(90);
    }

    double pct(int p) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    String json(String extra) {
        return String.format(Locale.ROOT, "{\"figure\":\"%s\",\"n\":%d,\"median_ms\":%.1f,\"p90_ms\":%.1f,\"min_ms\":%.1f%s}",
                figure, ms.size(), median(), p90(), pct(0), extra == null ? "" : "," + extra);
    }
}
