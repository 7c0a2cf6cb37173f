package io.jenkins.plugins.syscontainer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU seconds used by the whole machine (our JVM, dockerd, containerd, the containers) between two readings of the
 * first line of /proc/stat: every field but idle and iowait.
 */
final class CpuMeter {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    static long ticks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            if (i != 4 && i != 5) { // 4 idle, 5 iowait
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }

    static double seconds(long fromTicks, long toTicks) {
        return (toTicks - fromTicks) / TICKS_PER_SECOND;
    }

    private CpuMeter() {
    }
}
