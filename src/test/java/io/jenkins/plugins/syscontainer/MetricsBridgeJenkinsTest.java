package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.StartTimings;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Our gauges in a real Dropwizard registry (the one the Metrics plugin wraps), read live from a real Jenkins. The
 * Metrics plugin itself is not in our local Jenkins repository, so the lookup of its registry
 * ({@link MetricsBridge#registerIfMetricsInstalled}) is not exercised here; it uses only the plugin's public
 * {@code jenkins.metrics.api.Metrics.metricRegistry()}.
 */
@WithJenkins
class MetricsBridgeJenkinsTest {
    @Test
    void gaugesReadTheCloudsAsTheyAreNow(JenkinsRule r) throws Exception {
        SystemContainerCloud c = new SystemContainerCloud("ci");
        c.setTemplates(List.of(new AgentTemplate("docker")));
        r.jenkins.clouds.add(c);
        MetricRegistry registry = new MetricRegistry();
        List<String> names = MetricsBridge.register(registry, getClass().getClassLoader(), MetricsBridge.gauges());
        assertTrue(names.contains("system-container-agents.starts.queue_to_online_ms.p90"), names.toString());
        assertEquals(List.of(), MetricsBridge.register(registry, getClass().getClassLoader(), MetricsBridge.gauges()),
                "registering twice adds nothing");

        assertEquals(0, value(registry, "agents"));
        assertEquals(0, value(registry, "templates.suspended"));
        c.recordFailure("docker", FailureKind.IMAGE_MISSING, "no such image");
        ProvisioningFailures.record(c.getCloudId(), "docker", FailureKind.IMAGE_MISSING, "no such image");
        assertEquals(1, value(registry, "templates.suspended"));
        assertEquals(1, value(registry, "provisioning.failures.recent"));

        StartTimings t = CloudStatus.timings(c.getCloudId());
        for (long ms : new long[] {1000, 2000, 3000, 4000, 10000}) {
            t.record("docker", new StartTimings.Sample(Instant.now(), ms, 1500, 60, ms < 3000));
        }
        assertEquals(2, value(registry, "starts.warm"));
        assertEquals(3, value(registry, "starts.cold"));
        assertEquals(3000L, value(registry, "starts.queue_to_online_ms.p50"));
        assertEquals(10000L, value(registry, "starts.queue_to_online_ms.p90"));
    }

    private static Object value(MetricRegistry registry, String name) {
        Gauge<?> g = registry.getGauges().get(MetricsBridge.PREFIX + name);
        return g.getValue();
    }
}
