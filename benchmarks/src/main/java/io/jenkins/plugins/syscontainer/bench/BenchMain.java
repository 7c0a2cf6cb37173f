package io.jenkins.plugins.syscontainer.bench;

import java.util.Arrays;

/** {@code e2e [--quick]} runs {@link EndToEndBenchmark}; {@code jmh [JMH options]} runs the JMH benchmarks. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (args.length == 0 ? "" : args[0]) {
            case "e2e" -> EndToEndBenchmark.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("usage: BenchMain e2e [--quick] [--sample DIR] | jmh [JMH options]");
                System.exit(2);
            }
        }
    }
}
