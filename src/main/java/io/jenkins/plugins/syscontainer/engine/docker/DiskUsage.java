package io.jenkins.plugins.syscontainer.engine.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Volume sizes from Docker's disk-usage report ({@code GET /system/df}, what {@code docker system df -v} shows),
 * which docker-java has no command for. The report walks every volume, so callers refresh it on a schedule, never on
 * the provisioning path.
 */
final class DiskUsage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DiskUsage() {
    }

    /** Volume name to size in bytes; volumes Docker could not size are left out. */
    static Map<String, Long> volumeSizes(ManagedHost host) throws IOException {
        DockerHttpClient.Request req = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path("/system/df?type=volume").build();
        try (DockerHttpClient.Response r = host.raw().execute(req); InputStream body = r.getBody()) {
            if (r.getStatusCode() != 200) {
                throw new IOException("GET /system/df on host '" + host.name() + "' answered " + r.getStatusCode());
            }
            return parse(JSON.readTree(body));
        }
    }

    static Map<String, Long> parse(JsonNode root) {
        Map<String, Long> sizes = new HashMap<>();
        for (JsonNode v : root.path("Volumes")) {
            long size = v.path("UsageData").path("Size").asLong(-1);
            if (size >= 0 && v.hasNonNull("Name")) {
                sizes.put(v.get("Name").asText(), size);
            }
        }
        return sizes;
    }
}
