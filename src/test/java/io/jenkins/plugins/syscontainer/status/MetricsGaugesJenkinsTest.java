package io.jenkins.plugins.syscontainer.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.StartTimings;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import java.time.Instant;
import java.util.List;
import jenkins.metrics.api.Metrics;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Our gauges in the real Metrics plugin's registry (the plugin is an optional dependency, present in this test's
 * Jenkins), read live from a real Jenkins.
 */
@WithJenkins
class MetricsGaugesJenkinsTest {
    @Test
    void gaugesAreInTheMetricsPluginsRegistryAndReadTheCloudsAsTheyAreNow(JenkinsRule r) throws Exception {
        SystemContainerCloud c = new SystemContainerCloud("ci");
        c.setTemplates(List.of(new AgentTemplate("docker")));
        r.jenkins.clouds.add(c);
        MetricRegistry registry = Metrics.metricRegistry();
        assertNotNull(registry.getGauges().get(MetricsGauges.PREFIX + "starts.queue_to_online_ms.p90"),
                "registered: " + registry.getNames());
        assertTrue(MetricsGauges.names().size() >= 12, MetricsGauges.names().toString());

        assertEquals(0L, value(registry, "agents"));
        assertEquals(0L, value(registry, "templates.suspended"));
        c.recordFailure("docker", FailureKind.IMAGE_MISSING, "no such image");
        assertEquals(1L, value(registry, "templates.suspended"));
        assertEquals(1L, value(registry, "provisioning.failures.recent"));

        StartTimings t = CloudEngines.get().activity(c.getCloudId()).timings();
        for (long ms : new long[] {1000, 2000, 3000, 4000, 10000}) {
            t.record("docker", new StartTimings.Sample(Instant.now(), ms, 1500, 60, ms < 3000));
        }
        assertEquals(2L, value(registry, "starts.warm"));
        assertEquals(3L, value(registry, "starts.cold"));
        assertEquals(3000L, value(registry, "starts.queue_to_online_ms.p50"));
        assertEquals(10000L, value(registry, "starts.queue_to_online_ms.p90"));
    }

    private static Object value(MetricRegistry registry, String name) {
        Gauge<?> g = registry.getGauges().get(MetricsGauges.PREFIX + name);
        return g.getValue();
    }
}
