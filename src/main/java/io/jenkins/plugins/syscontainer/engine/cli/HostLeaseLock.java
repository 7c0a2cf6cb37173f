package io.jenkins.plugins.syscontainer.engine.cli;

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
 * Makes concurrent {@code run}s with one controller id on this machine take turns from "recover the pools from
 * Docker" to "the container is created": each then sees the volumes the others made and the containers that use
 * them, so a cache volume is never handed to two agents and {@code --max-volumes} holds. Held for a fraction of a
 * second per run (the ready wait and the command run outside it). Runs on other machines against the same Docker
 * host are not covered: give them controller ids of their own.
 */
final class HostLeaseLock implements AutoCloseable {
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private HostLeaseLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "UL_UNRELEASED_LOCK",
            justification = "held on purpose past this method; released by release() or close()")
    static HostLeaseLock acquire(Path file) throws IOException {
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
            return new HostLeaseLock(local, ch, ch.lock());
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            local.unlock();
            throw e;
        }
    }

    /** Lets the next run go; safe to call more than once and from the thread that took it only. */
    synchronized void release() {
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

    @Override
    public void close() {
        release();
    }
}
