package io.jenkins.plugins.syscontainer.testsupport;

import com.github.dockerjava.api.DockerClient;
import io.jenkins.plugins.syscontainer.engine.docker.DockerClients;
import io.jenkins.plugins.syscontainer.engine.docker.DockerHost;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second, throw-away dockerd listening only on a loopback TCP port with {@code --tlsverify}, with a CA, server and
 * client certificates made by openssl for the test (plus a rogue CA and client certificate it must refuse). It has
 * its own data root, and the images the tests need are copied into it from the main engine.
 */
public final class TlsDockerDaemon implements AutoCloseable {
    private static final String BRIDGE = "sca-tls0";
    private static final String BRIDGE_CIDR = "172.31.251.1/24";
    public final Path dir;
    public final int port;
    private final Process dockerd;

    private TlsDockerDaemon(Path dir, int port, Process dockerd) {
        this.dir = dir;
        this.port = port;
        this.dockerd = dockerd;
    }

    public static TlsDockerDaemon start(String... images) throws Exception {
        DockerTestSupport.client();
        for (String tool : List.of("dockerd", "openssl")) {
            if (!onPath(tool)) {
                DockerTestSupport.absent(tool + " is not installed, so no second (TLS) Docker daemon can be started");
            }
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            DockerTestSupport.absent("a second dockerd needs root");
        }
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "sca-tls-dockerd-");
        sh("ip link del " + BRIDGE + " 2>/dev/null; ip link add name " + BRIDGE + " type bridge && ip addr add "
                + BRIDGE_CIDR + " dev " + BRIDGE + " && ip link set " + BRIDGE + " up");
        makeCertificates(dir);
        Files.writeString(dir.resolve("daemon.json"), "{\"runtimes\":{\"" + DockerTestSupport.RUNTIME
                + "\":{\"path\":\"/usr/local/libexec/ci-sysbox-runc-standin\"}}}");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder("dockerd", "--config-file", dir.resolve("daemon.json").toString(),
                "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("docker.pid").toString(), "-H", "tcp://127.0.0.1:" + port,
                "--tlsverify", "--tlscacert", dir.resolve("ca.pem").toString(),
                "--tlscert", dir.resolve("server.pem").toString(), "--tlskey", dir.resolve("server-key.pem").toString(),
                // Not "--bridge none": dockerd then deletes the host's docker0, breaking the main engine's containers.
                "--bridge", BRIDGE, "--iptables=false", "--ip-masq=false")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        TlsDockerDaemon d = new TlsDockerDaemon(dir, port, p);
        try {
            d.awaitReady();
            d.copyImages(images);
        } catch (Exception e) {
            d.close();
            throw e;
        }
        return d;
    }

    public DockerHost.TlsMaterial clientTls() throws IOException {
        return new DockerHost.TlsMaterial(Files.readString(dir.resolve("key.pem")), Files.readString(dir.resolve("cert.pem")),
                Files.readString(dir.resolve("ca.pem")));
    }

    /** A client certificate from another CA: the daemon must refuse it. */
    public DockerHost.TlsMaterial rogueTls() throws IOException {
        return new DockerHost.TlsMaterial(Files.readString(dir.resolve("rogue-key.pem")),
                Files.readString(dir.resolve("rogue-cert.pem")), Files.readString(dir.resolve("ca.pem")));
    }

    public DockerHost host(String name, DockerHost.TlsMaterial tls) {
        return new DockerHost(name, URI.create("tcp://127.0.0.1:" + port), tls, Duration.ofSeconds(5),
                Duration.ofSeconds(120), 10);
    }

    private void awaitReady() throws Exception {
        DockerHost h = host("tls-probe", clientTls());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!dockerd.isAlive()) {
                throw new IllegalStateException("the TLS dockerd exited: " + tail());
            }
            try (DockerClient c = DockerClients.api(h)) {
                c.pingCmd().exec();
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the TLS dockerd did not answer in 60 s: " + last + "\n" + tail(), last);
    }

    private void copyImages(String... images) throws Exception {
        DockerClient local = DockerTestSupport.client();
        try (DockerClient remote = DockerClients.api(host("tls-load", clientTls()))) {
            for (String image : images) {
                DockerTestSupport.requireImage(image);
                long t = System.nanoTime();
                try (InputStream tar = local.saveImageCmd(image).exec()) {
                    remote.loadImageCmd(tar).exec();
                }
                System.out.printf("tls: copied %s into the TLS daemon in %d ms%n", image, (System.nanoTime() - t) / 1_000_000);
            }
        }
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("dockerd.log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static void makeCertificates(Path dir) throws Exception {
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        for (String ca : List.of("ca", "rogue-ca")) {
            openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca + "-key.pem", "-out", ca + ".pem",
                    "-days", "2", "-subj", "/CN=sca-test-" + ca);
        }
        signed(dir, "server", "ca", "server-key.pem", "server.pem", "/CN=127.0.0.1", "server.ext");
        signed(dir, "client", "ca", "key.pem", "cert.pem", "/CN=sca-client", "client.ext");
        signed(dir, "rogue", "rogue-ca", "rogue-key.pem", "rogue-cert.pem", "/CN=sca-rogue", "client.ext");
    }

    private static void signed(Path dir, String name, String ca, String key, String cert, String subject, String ext)
            throws Exception {
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", name + ".csr", "-subj", subject);
        openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + "-key.pem",
                "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext);
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws Exception {
        dockerd.destroy();
        if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
            dockerd.destroyForcibly();
            dockerd.waitFor(10, TimeUnit.SECONDS);
        }
        // The data root may still hold overlay mounts of removed containers; unmount what is left, then delete.
        sh("grep -o ' " + dir + "[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l; rm -rf '" + dir + "';"
                + " ip link del " + BRIDGE);
    }

    private static void sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("'" + script + "' failed: " + out);
        }
    }
}
