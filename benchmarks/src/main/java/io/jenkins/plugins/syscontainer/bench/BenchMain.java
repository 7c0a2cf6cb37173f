package io.jenkins.plugins.syscontainer.bench;

import java.util.Arrays;

/**
 * {@code e2e [--quick]} runs {@link EndToEndBenchmark}; {@code floor [--reps N]} only the bare floors (beside the
 * Jenkins-side start benchmark); {@code jmh [JMH options]} runs the JMH benchmarks.
 */
public final class BenchMain {
    private BenchMain() {
    }

    /**
     * Exits explicitly, 0 or 1: the Docker clients' pool threads are not daemons, and a benchmark that failed must end
     * (after removing what it made) instead of keeping CI waiting.
     */
    public static void main(String[] args) {
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        int code = 0;
        try {
            switch (args.length == 0 ? "" : args[0]) {
                case "e2e" -> EndToEndBenchmark.main(rest);
                case "jmh" -> org.openjdk.jmh.Main.main(rest);
                case "floor" -> Floor.coldAndWarm(EndToEndBenchmark.IMAGE, rest.length == 2 && rest[0].equals("--reps")
                        ? Integer.parseInt(rest[1]) : 10);
                default -> {
                    System.err.println("usage: BenchMain e2e [--quick] [--sample DIR] | floor [--reps N] | jmh [JMH options]");
                    code = 2;
                }
            }
        } catch (Throwable e) {
            e.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }
}
