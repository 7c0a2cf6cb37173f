package io.jenkins.plugins.syscontainer.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import jenkins.model.Jenkins;

/** What every fault test checks once the dust settles: nothing is left, nothing is held, nothing piles up. */
final class FaultChecks {
    private FaultChecks() {
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    /**
     * No node, no container of the cloud's scope, no cache lease held, and no more cache volumes per pool than its
     * cap (the template's cacheMaxVolumes, 4 by default, plus at most one throw-away volume being removed).
     */
    static void nothingLeft(Jenkins j, SystemContainerCloud cloud) throws InterruptedException {
        String scope = JenkinsDocker.scope(j, cloud);
        await(() -> j.getNodes().isEmpty(), Duration.ofSeconds(60), "no node (left: " + j.getNodes() + ")");
        JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(60));
        // A lease is released once its container is removed, a moment after the container leaves the list.
        await(() -> cloud.engine().caches().stream().allMatch(s -> s.volumes().stream()
                .noneMatch(v -> v.state().equals("leased"))), Duration.ofSeconds(30),
                "no cache lease held (" + cloud.engine().caches().stream().map(CacheStats::toJson).toList() + ")");
        List<CacheStats> caches = cloud.engine().caches();
        int cap = cloud.getTemplates().isEmpty() ? 4 : cloud.getTemplates().get(0).getCacheMaxVolumes();
        long cacheVolumes = JenkinsDocker.volumes(scope).stream().filter(v -> v.startsWith("sca-cache-")).count();
        assertTrue(cacheVolumes <= (long) cap * Math.max(1, caches.size()), "cache volumes beyond the cap: "
                + JenkinsDocker.volumes(scope));
        assertEquals(List.of(), JenkinsDocker.volumes(scope).stream().filter(v -> v.startsWith("sca-tmp-")).toList(),
                "throw-away volumes left");
    }
}
