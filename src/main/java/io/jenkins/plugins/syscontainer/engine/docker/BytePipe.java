package io.jenkins.plugins.syscontainer.engine.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * A bounded in-memory pipe between two threads (a writer blocks while the buffer is full). Unlike
 * {@link java.io.PipedInputStream} it does not care which threads read and write, which matters because docker-java
 * delivers exec output on whatever thread its transport uses.
 */
final class BytePipe {
    private final byte[] buf;
    private int head;
    private int size;
    private boolean writerClosed;
    private boolean readerClosed;

    BytePipe(int capacity) {
        buf = new byte[capacity];
    }

    private synchronized void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (readerClosed) {
                throw new IOException("pipe closed by the reader");
            }
            if (writerClosed) {
                throw new IOException("pipe closed");
            }
            if (size == buf.length) {
                awaitChange();
                continue;
            }
            int tail = (head + size) % buf.length;
            int n = Math.min(len, Math.min(buf.length - size, buf.length - tail));
            System.arraycopy(b, off, buf, tail, n);
            size += n;
            off += n;
            len -= n;
            notifyAll();
        }
    }

    private synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (size == 0) {
            if (writerClosed || readerClosed) {
                return -1;
            }
            awaitChange();
        }
        int n = Math.min(len, Math.min(size, buf.length - head));
        System.arraycopy(buf, head, b, off, n);
        head = (head + n) % buf.length;
        size -= n;
        notifyAll();
        return n;
    }

    /** One wait for a change of the pipe's state; every caller re-checks its condition in a loop. */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(value = "WA_NOT_IN_LOOP",
            justification = "both callers (read, write) call this inside a loop that re-checks the condition")
    private void awaitChange() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on the pipe");
        }
    }

    synchronized void closeWriter() {
        writerClosed = true;
        notifyAll();
    }

    synchronized void closeReader() {
        readerClosed = true;
        notifyAll();
    }

    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return BytePipe.this.read(b, off, len);
            }

            @Override
            public int available() {
                synchronized (BytePipe.this) {
                    return size;
                }
            }

            @Override
            public void close() {
                closeReader();
            }
        };
    }

    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                BytePipe.this.write(b, off, len);
            }

            @Override
            public void close() {
                closeWriter();
            }
        };
    }
}
