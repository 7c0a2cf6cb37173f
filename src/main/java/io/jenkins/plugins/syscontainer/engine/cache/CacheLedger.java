package io.jenkins.plugins.syscontainer.engine.cache;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * What Docker cannot record for us, since volume labels are fixed at creation: when each cache volume was last
 * released, and which volumes are quarantined but kept for inspection. Kept in a small properties file (in Jenkins,
 * under JENKINS_HOME; for the command-line tool, per controller id in the user's home) so it survives a restart;
 * without a file it is in memory only and a restart treats every idle volume as used at its creation.
 *
 * <p>Several processes may share one file (concurrent command-line runs with one controller id). Every change takes
 * an exclusive lock on a sibling {@code .lock} file, reads the file as it is now, applies only its own change and
 * replaces the file atomically (through a temporary file of its own): no process loses another's entries. Reads see
 * the file as last written by anyone.
 */
public final class CacheLedger {
    private final Path file;
    private final Map<String, Instant> lastUsed = new HashMap<>();
    private final Set<String> quarantined = new HashSet<>();
    private FileTime loadedStamp;
    private long loadedSize = -1;

    public CacheLedger(Path file) {
        this.file = file == null ? null : file.toAbsolutePath().normalize();
        synchronized (this) {
            reloadIfChanged();
        }
    }

    public static CacheLedger inMemory() {
        return new CacheLedger(null);
    }

    public synchronized Instant lastUsed(String volume) {
        reloadIfChanged();
        return lastUsed.get(volume);
    }

    public synchronized boolean isQuarantined(String volume) {
        reloadIfChanged();
        return quarantined.contains(volume);
    }

    public synchronized void used(String volume, Instant when) {
        update(() -> lastUsed.put(volume, when));
    }

    public synchronized void quarantine(String volume) {
        update(() -> quarantined.add(volume));
    }

    public synchronized void forget(String volume) {
        update(() -> {
            lastUsed.remove(volume);
            quarantined.remove(volume);
        });
    }

    /** Under the file lock: the file as it is now, this change applied, the result written back atomically. */
    private void update(Runnable change) {
        if (file == null) {
            change.run();
            return;
        }
        try (ExclusiveFileLock lock = ExclusiveFileLock.acquire(file.resolveSibling(file.getFileName() + ".lock"))) {
            load();
            change.run();
            write();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cache ledger " + file, e);
        }
    }

    private void reloadIfChanged() {
        if (file == null) {
            return;
        }
        try {
            if (!Files.isRegularFile(file)) {
                if (loadedSize != -1) {
                    lastUsed.clear();
                    quarantined.clear();
                    loadedSize = -1;
                }
                return;
            }
            if (!Files.getLastModifiedTime(file).equals(loadedStamp) || Files.size(file) != loadedSize) {
                load();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cache ledger " + file, e);
        }
    }

    private void load() throws IOException {
        lastUsed.clear();
        quarantined.clear();
        if (!Files.isRegularFile(file)) {
            loadedSize = -1;
            return;
        }
        FileTime stamp = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("used.")) {
                try {
                    lastUsed.put(k.substring(5), Instant.parse(p.getProperty(k)));
                } catch (DateTimeParseException e) {
                    // a damaged entry counts as unknown: the volume is then as old as its creation
                }
            } else if (k.startsWith("quarantined.")) {
                quarantined.add(k.substring(12));
            }
        }
        loadedStamp = stamp;
        loadedSize = size;
    }

    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "PATH_TRAVERSAL_IN",
            justification = "the ledger's path is the controller's (JENKINS_HOME) or the command-line user's own option")
    private void write() throws IOException {
        Path dir = file.getParent();
        if (dir == null) {
            throw new IOException("the cache ledger " + file + " has no directory");
        }
        Properties p = new Properties();
        lastUsed.forEach((k, v) -> p.setProperty("used." + k, v.toString()));
        quarantined.forEach(k -> p.setProperty("quarantined." + k, "true"));
        Path tmp = Files.createTempFile(dir, String.valueOf(file.getFileName()), ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "System Container Agents: cache volume ledger");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        loadedStamp = Files.getLastModifiedTime(file);
        loadedSize = Files.size(file);
    }
}
