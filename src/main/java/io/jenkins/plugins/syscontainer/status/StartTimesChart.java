package io.jenkins.plugins.syscontainer.status;

import io.jenkins.plugins.syscontainer.engine.StartTimings;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG bar chart of a template's recent starts, drawn by the page itself (no script, no chart library): one bar
 * per start, its height the time from queue to online, green for a warm cache volume, grey for a cold one, with the
 * median as a line. Only numbers and fixed words go into it, so it needs no escaping.
 */
final class StartTimesChart {
    static final int WIDTH = 640;
    static final int HEIGHT = 120;
    static final int BARS = 60;

    private StartTimesChart() {
    }

    static String svg(List<StartTimings.Sample> all) {
        List<StartTimings.Sample> s = all.subList(Math.max(0, all.size() - BARS), all.size()).stream()
                .filter(x -> x.queueToOnlineMs() >= 0).toList();
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sca-chart\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT + 20).append("\" role=\"img\" aria-label=\"queue to online per start\">");
        if (s.isEmpty()) {
            return b.append("<text x=\"4\" y=\"20\" font-size=\"12\">no start timed yet</text></svg>").toString();
        }
        long max = s.stream().mapToLong(StartTimings.Sample::queueToOnlineMs).max().orElse(1);
        max = Math.max(max, 1);
        double w = (double) WIDTH / BARS;
        for (int i = 0; i < s.size(); i++) {
            StartTimings.Sample x = s.get(i);
            double h = Math.max(1, (HEIGHT - 10) * (double) x.queueToOnlineMs() / max);
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                    + "<title>%d ms (%s)</title></rect>", i * w + 1, HEIGHT - h, Math.max(1, w - 2), h,
                    x.warm() ? "#2e7d32" : "#9e9e9e", x.queueToOnlineMs(), x.warm() ? "warm" : "cold"));
        }
        long[] sorted = s.stream().mapToLong(StartTimings.Sample::queueToOnlineMs).sorted().toArray();
        long median = sorted[(sorted.length - 1) / 2];
        double y = HEIGHT - (HEIGHT - 10) * (double) median / max;
        b.append(String.format(Locale.ROOT, "<line x1=\"0\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#1565c0\" "
                + "stroke-dasharray=\"4 3\"/>", WIDTH, y, y));
        b.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">queue to online, last %d starts: "
                + "max %d ms, median %d ms (dashed); green: warm cache, grey: cold</text>", HEIGHT + 15, s.size(), max, median));
        return b.append("</svg>").toString();
    }
}
