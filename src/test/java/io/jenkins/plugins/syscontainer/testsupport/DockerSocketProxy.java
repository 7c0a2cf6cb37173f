package io.jenkins.plugins.syscontainer.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Docker host that can go down and come back: a TCP port on 127.0.0.1 that forwards every connection to the local
 * engine's unix socket. {@link #stop} closes the port and every connection through it (the host is unreachable:
 * connections are refused); {@link #start} opens the same port again. The engine behind it is the real one, with its
 * images and runtimes.
 */
public final class DockerSocketProxy implements AutoCloseable {
    private final Path socket;
    private final int port;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocketChannel server;

    public DockerSocketProxy() throws IOException {
        this(Path.of("/var/run/docker.sock"));
    }

    public DockerSocketProxy(Path socket) throws IOException {
        this.socket = socket;
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        start();
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        ServerSocketChannel s = ServerSocketChannel.open();
        s.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
        s.bind(new InetSocketAddress("127.0.0.1", port));
        server = s;
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    SocketChannel client = s.accept();
                    SocketChannel engine = SocketChannel.open(StandardProtocolFamily.UNIX);
                    engine.connect(UnixDomainSocketAddress.of(socket));
                    open.add(client);
                    open.add(engine);
                    pump(client, engine);
                    pump(engine, client);
                }
            } catch (IOException e) {
                // stopped
            }
        }, "docker proxy :" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void pump(SocketChannel from, SocketChannel to) {
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            try {
                while (from.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        to.write(buf);
                    }
                    buf.clear();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "docker proxy pump");
        t.setDaemon(true);
        t.start();
    }

    /** The host goes down: its port refuses connections, and every connection through it breaks. */
    public synchronized void stop() {
        if (server != null) {
            closeQuietly(server);
            server = null;
        }
        for (SocketChannel c : open) {
            closeQuietly(c);
        }
        open.clear();
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        stop();
    }
}
