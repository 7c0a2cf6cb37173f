package io.jenkins.plugins.syscontainer.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry that has a bad day: a proxy on 127.0.0.1 in front of the test registry that answers the next requests
 * for image manifests with the statuses it is given (429 with Docker Hub's rate-limit error, 500, ...), and forwards
 * everything else unchanged. Each faulty answer closes its connection, so every manifest request of a pull is seen.
 */
public final class FaultyRegistryProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String upstreamHost;
    private final int upstreamPort;
    private final Deque<Integer> faults = new ArrayDeque<>();
    public final AtomicInteger faultsServed = new AtomicInteger();
    public final AtomicInteger manifestRequests = new AtomicInteger();

    public FaultyRegistryProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(this::accept, "faulty registry :" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** The next manifest requests get these statuses, in order; then requests pass again. */
    public synchronized void failNext(int... statuses) {
        for (int s : statuses) {
            faults.addLast(s);
        }
    }

    private synchronized Integer nextFault() {
        return faults.pollFirst();
    }

    private void accept() {
        try {
            while (true) {
                Socket c = server.accept();
                Thread t = new Thread(() -> serve(c), "faulty registry connection");
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            String requestLine = new String(head, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
            if (requestLine.contains("/manifests/")) {
                manifestRequests.incrementAndGet();
                Integer status = nextFault();
                if (status != null) {
                    faultsServed.incrementAndGet();
                    String body = status == 429
                            ? "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"You have reached your pull rate limit\"}]}"
                            : "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"internal server error\"}]}";
                    String response = "HTTP/1.1 " + status + (status == 429 ? " Too Many Requests" : " Internal Server Error")
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                            + "\r\nConnection: close\r\n\r\n" + body;
                    client.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
                    client.getOutputStream().flush();
                    return;
                }
            }
            try (Socket upstream = new Socket(upstreamHost, upstreamPort)) {
                upstream.getOutputStream().write(head);
                Thread up = new Thread(() -> copy(in, upstream), "to registry");
                up.setDaemon(true);
                up.start();
                upstream.getInputStream().transferTo(client.getOutputStream());
            }
        } catch (IOException e) {
            // the client or the registry went away
        }
    }

    private static void copy(InputStream in, Socket to) {
        try {
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
            to.shutdownOutput();
        } catch (IOException e) {
            // done
        }
    }

    /** The request line and headers, up to and including the empty line. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            matched = (c == '\r' || c == '\n') ? matched + 1 : 0;
            if (matched == 4) {
                break;
            }
        }
        return b.toByteArray();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
