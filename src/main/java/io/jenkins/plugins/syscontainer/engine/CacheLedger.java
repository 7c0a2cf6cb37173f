package io.jenkins.plugins.syscontainer.engine;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * What Docker cannot record for us, since volume labels are fixed at creation: when each cache volume was last
 * released, and which volumes are quarantined but kept for inspection. Kept in a small properties file (in Jenkins,
 * under JENKINS_HOME) written atomically on every change, so it survives a controller restart; without a file it is
 * in memory only and a restart treats every idle volume as used at its creation.
 */
public final class CacheLedger {
    private final Path file;
    private final Map<String, Instant> lastUsed = new HashMap<>();
    private final Set<String> quarantined = new HashSet<>();

    public CacheLedger(Path file) {
        this.file = file;
        if (file != null && Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the cache ledger " + file, e);
            }
            for (String k : p.stringPropertyNames()) {
                if (k.startsWith("used.")) {
                    lastUsed.put(k.substring(5), Instant.parse(p.getProperty(k)));
                } else if (k.startsWith("quarantined.")) {
                    quarantined.add(k.substring(12));
                }
            }
        }
    }

    public static CacheLedger inMemory() {
        return new CacheLedger(null);
    }

    public synchronized Instant lastUsed(String volume) {
        return lastUsed.get(volume);
    }

    public synchronized boolean isQuarantined(String volume) {
        return quarantined.contains(volume);
    }

    public synchronized void used(String volume, Instant when) {
        lastUsed.put(volume, when);
        save();
    }

    public synchronized void quarantine(String volume) {
        quarantined.add(volume);
        save();
    }

    public synchronized void forget(String volume) {
        lastUsed.remove(volume);
        quarantined.remove(volume);
        save();
    }

    private void save() {
        if (file == null) {
            return;
        }
        Properties p = new Properties();
        lastUsed.forEach((k, v) -> p.setProperty("used." + k, v.toString()));
        quarantined.forEach(k -> p.setProperty("quarantined." + k, "true"));
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "System Container Agents: cache volume ledger");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cache ledger " + file, e);
        }
    }
}
