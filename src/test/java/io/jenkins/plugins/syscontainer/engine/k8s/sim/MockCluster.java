package io.jenkins.plugins.syscontainer.engine.k8s.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The fabric8 mock API server in CRUD mode (objects in memory, watches, 409 on a stale resourceVersion), plain HTTP on
 * loopback, with the one piece of API server behaviour the lease rules depend on and the mock lacks: <b>graceful
 * deletion of pods</b>. A DELETE of a pod that is on a node, with a grace period above 0 (the request's, else the
 * pod's {@code terminationGracePeriodSeconds}, else 30), only marks it ({@code deletionTimestamp},
 * {@code deletionGracePeriodSeconds}: a MODIFIED event); the kubelet ({@link FakeKubelet}) then stops the container
 * and removes the pod with a grace period of 0. A pod on no node, or a grace period of 0, goes at once, as on a real
 * API server. The mock itself removes an object the moment it is marked and has no finalizers, so a marked pod carries
 * the finalizer {@value #TERMINATING} until that last DELETE. Every other request is the mock's own.
 *
 * <p>Clients made here are closed with the cluster; {@link #kill} cuts one off as if its process died.
 */
public final class MockCluster implements AutoCloseable {
    /** Holds a gracefully deleted pod in the mock until the kubelet's final DELETE (grace period 0). */
    public static final String TERMINATING = "sim.syscontainer.jenkins.io/terminating";
    private static final Pattern POD = Pattern.compile("/api/v1/namespaces/[^/]+/pods/[^/?]+");
    /** The mock logs every request at INFO: thousands of lines a second in the scale simulation. Held: loggers are weak. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");
    private final KubernetesMockServer server;
    private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
    private final Map<KubernetesClient, AtomicBoolean> cut = new ConcurrentHashMap<>();
    private final URI nowhere;

    private MockCluster(KubernetesMockServer server) {
        this.server = server;
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again at once: connections to it are refused
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.nowhere = URI.create("http://127.0.0.1:" + port + "/");
    }

    /** Starts a mock API server on a free port of the loopback interface. */
    public static MockCluster start() {
        MOCK_LOG.setLevel(Level.WARNING);
        KubernetesMockServer s = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
                new HashMap<>(), new GracefulDeletion(), false);
        s.init();
        return new MockCluster(s);
    }

    /** The API server's URL (plain HTTP on loopback). */
    public String url() {
        return server.url("/");
    }

    /** A new client of its own (its own connections and watches), as a separate process would have. */
    public KubernetesClient client() {
        return client(b -> { });
    }

    /** A new client whose HTTP client is adjusted first (the scale simulation counts requests this way). */
    public KubernetesClient client(Consumer<HttpClient.Builder> http) {
        AtomicBoolean dead = new AtomicBoolean();
        Interceptor severable = new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                if (dead.get()) {
                    builder.uri(nowhere.resolve(request.uri().getRawPath()));
                }
            }
        };
        // No retries with back-off: the mock is local, and a killed client must fail at once, as a dead process does.
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url()).withNamespace("test")
                .withRequestRetryBackoffLimit(0).build();
        KubernetesClient c = server.createClient(b -> b.withConfig(config).withHttpClientBuilderConsumer(h -> {
            h.addOrReplaceInterceptor("sim-severable", severable);
            http.accept(h);
        }));
        clients.add(c);
        cut.put(c, dead);
        return c;
    }

    /**
     * Cuts a client off as if its process were killed: every later request of it fails to connect (a release, a lease
     * renewal), so what it held in the API stays as it was. Watches it has open are not closed by this.
     */
    public void kill(KubernetesClient c) {
        AtomicBoolean dead = cut.get(c);
        if (dead == null) {
            throw new IllegalArgumentException("not a client of this cluster");
        }
        dead.set(true);
    }

    @Override
    public void close() {
        clients.forEach(KubernetesClient::close);
        server.destroy();
    }

    /** The mock's CRUD dispatcher, with graceful deletion of scheduled pods. */
    static final class GracefulDeletion extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            if (request.method() == HttpMethod.DELETE && POD.matcher(plain).matches()) {
                MockResponse marked = markForDeletion(plain, request);
                if (marked != null) {
                    return marked;
                }
            }
            return super.dispatch(request);
        }

        /** The response to a graceful deletion, or null when the pod goes at once (the mock's own DELETE). */
        private synchronized MockResponse markForDeletion(String path, RecordedRequest request) {
            MockResponse current = handleGet(path);
            if (current.code() != 200) {
                return null;
            }
            JsonNode pod = json(current.getBody().readUtf8());
            if (pod.path("metadata").path("finalizers").toString().contains(TERMINATING)
                    && !marksAgain(request)) {
                // the kubelet's final DELETE: without the finalizer the mock removes the marked pod (DELETED event)
                return patch(path, "{\"metadata\":{\"finalizers\":null}}");
            }
            JsonNode options = json(request.getUtf8Body());
            long grace = options != null && options.hasNonNull("gracePeriodSeconds")
                    ? options.get("gracePeriodSeconds").asLong()
                    : pod.path("spec").path("terminationGracePeriodSeconds").asLong(30);
            boolean onANode = !pod.path("spec").path("nodeName").asText("").isEmpty();
            if (grace <= 0 || !onANode) {
                return null;
            }
            if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
                return new MockResponse().setResponseCode(200).setBody(Serialization.asJson(pod));
            }
            return patch(path, "{\"metadata\":{\"deletionTimestamp\":\"" + Instant.now()
                    + "\",\"deletionGracePeriodSeconds\":" + grace + ",\"finalizers\":[\"" + TERMINATING + "\"]}}");
        }

        /** A DELETE with a grace period above 0 of a pod already marked changes nothing (as on an API server). */
        private static boolean marksAgain(RecordedRequest request) {
            JsonNode options = json(request.getUtf8Body());
            return options == null || !options.hasNonNull("gracePeriodSeconds")
                    || options.get("gracePeriodSeconds").asLong() > 0;
        }

        private MockResponse patch(String path, String mergePatch) {
            RecordedRequest merge = new RecordedRequest("HTTP/1.1", HttpMethod.PATCH, path,
                    Headers.builder().add("Content-Type", "application/merge-patch+json").build(),
                    new Buffer().writeUtf8(mergePatch));
            MockResponse patched = handlePatch(merge);
            return patched.code() < 300 ? new MockResponse().setResponseCode(200).setBody(patched.getBody().readUtf8())
                    : patched;
        }

        private static JsonNode json(String s) {
            if (s == null || s.isBlank()) {
                return null;
            }
            try {
                return Serialization.jsonMapper().readTree(s);
            } catch (IOException e) {
                return null;
            }
        }
    }
}
