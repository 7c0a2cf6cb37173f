package io.jenkins.plugins.syscontainer.bench;

import java.util.Arrays;

/** {@code e2e [--quick]} runs {@link EndToEndBenchmark}; {@code jmh [JMH options]} runs the JMH benchmarks. */
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
                default -> {
                    System.err.println("usage: BenchMain e2e [--quick] [--sample DIR] | jmh [JMH options]");
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
