package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.cache.CacheLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheLedgerAndSettingsTest {
    @Test
    void ledgerSurvivesARestartThroughItsFile(@TempDir Path dir) {
        Path f = dir.resolve("sub/ledger.properties");
        CacheLedger a = new CacheLedger(f);
        Instant t = Instant.parse("2026-03-04T05:06:07.123Z");
        a.used("v1", t);
        a.quarantine("v2");
        CacheLedger b = new CacheLedger(f);
        assertEquals(t, b.lastUsed("v1"));
        assertTrue(b.isQuarantined("v2"));
        b.forget("v1");
        assertNull(new CacheLedger(f).lastUsed("v1"));
        assertFalse(Files.exists(dir.resolve("sub/ledger.properties.tmp")), "written atomically through a temp file");
        CacheLedger mem = CacheLedger.inMemory();
        mem.used("x", t);
        assertEquals(t, mem.lastUsed("x"));
    }

    @Test
    void settingsValidateTheirFields() {
        assertThrows(IllegalArgumentException.class, () -> CacheSettings.DEFAULTS.withMaxVolumes(0));
        assertThrows(IllegalArgumentException.class, () -> CacheSettings.DEFAULTS.withIdleTtl(Duration.ZERO));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CacheSettings.DEFAULTS.withPreload(List.of("Bad Image")));
        assertTrue(e.getMessage().contains("preloadImages"), e.getMessage());
        assertNull(CacheSettings.DEFAULTS.withGolden(" ").goldenVolume());
        SystemContainerSpec spec = SystemContainerSpec.builder("x").build();
        AgentIdentity id = new AgentIdentity("c", "cl", "t", "a");
        assertThrows(IllegalArgumentException.class, () -> new ProvisionRequest(id, spec, "has/slash", null));
        assertEquals(CacheSettings.DEFAULTS, new ProvisionRequest(id, spec, "maven-3", null).cache());
    }

    @Test
    void diskUsageReportIsParsedForVolumeSizes() throws Exception {
        String report = "{\"LayersSize\":0,\"Volumes\":[{\"Name\":\"a\",\"UsageData\":{\"Size\":1234,\"RefCount\":1}},"
                + "{\"Name\":\"b\",\"UsageData\":{\"Size\":-1,\"RefCount\":0}},{\"Name\":\"c\"}]}";
        assertEquals(Map.of("a", 1234L), DiskUsage.parse(new ObjectMapper().readTree(report)));
    }

    /**
     * Several ledgers on one file (concurrent command-line runs are separate processes, each with its own): every
     * entry written by any of them is in the file afterwards, and none of them fails.
     */
    @Test
    void ledgersSharingAFileLoseNoEntry(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("shared.ledger");
        int writers = 8;
        int each = 40;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            done.add(pool.submit(() -> {
                CacheLedger mine = new CacheLedger(f);
                for (int i = 0; i < each; i++) {
                    mine.used("v-" + writer + "-" + i, java.time.Instant.ofEpochSecond(i));
                }
                mine.quarantine("q-" + writer);
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> d : done) {
            d.get();
        }
        pool.shutdown();
        CacheLedger reader = new CacheLedger(f);
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < each; i++) {
                assertEquals(java.time.Instant.ofEpochSecond(i), reader.lastUsed("v-" + w + "-" + i), "lost v-" + w + "-" + i);
            }
            assertTrue(reader.isQuarantined("q-" + w));
        }
    }
}
