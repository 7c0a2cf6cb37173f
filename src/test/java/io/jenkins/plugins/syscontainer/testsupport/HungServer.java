package io.jenkins.plugins.syscontainer.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A TCP port that accepts connections and never answers: a Docker host that hangs. Closing it drops them all. */
public final class HungServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    public HungServer() throws IOException {
        server = new ServerSocket(0);
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    held.add(server.accept()); // accept, then never answer
                }
            } catch (IOException e) {
                // closed
            }
        }, "hung Docker host");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
