package io.jenkins.plugins.syscontainer.engine.cache;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a file, between processes and between the threads of this one (a file lock belongs to the
 * process, so threads take turns on an in-process lock first). Released once, by {@link #close}, on the thread that
 * took it.
 */
public final class ExclusiveFileLock implements AutoCloseable {
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private ExclusiveFileLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits for the lock on {@code file}, creating it and its directory if needed. */
    @SuppressFBWarnings(value = "UL_UNRELEASED_LOCK", justification = "held on purpose past this method until close()")
    public static ExclusiveFileLock acquire(Path file) throws IOException {
        Path f = file.toAbsolutePath().normalize();
        Path dir = f.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        ReentrantLock local = IN_PROCESS.computeIfAbsent(f, k -> new ReentrantLock());
        local.lock();
        FileChannel ch = null;
        try {
            ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new ExclusiveFileLock(local, ch, ch.lock());
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            local.unlock();
            throw e;
        }
    }

    /** Lets the next holder go; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel or the process anyway
        } finally {
            local.unlock();
        }
    }
}
