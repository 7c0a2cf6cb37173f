package io.jenkins.plugins.syscontainer.status;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricSet;
import hudson.Extension;
import hudson.slaves.Cloud;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.StartTimings;
import io.jenkins.plugins.syscontainer.provisioning.CloudActivity;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import jenkins.metrics.api.MetricProvider;
import jenkins.model.Jenkins;

/**
 * Gauges for the Metrics plugin when it is installed (an optional dependency: without the plugin this class is not
 * loaded). Each read sums over all system container clouds from memory: the agents Jenkins has, the clouds'
 * activity and their engines' cache pools; no Docker call and no credentials look-up per scrape. Names (documented in
 * docs/admin-guide.md) start with {@code system-container-agents.}.
 */
@Extension(optional = true)
public class MetricsGauges extends MetricProvider {
    static final String PREFIX = "system-container-agents.";

    @Override
    public MetricSet getMetricSet() {
        Map<String, Metric> m = new LinkedHashMap<>();
        gauge(m, "agents", c -> SystemContainerAgent.all(c.getCloudId()).size());
        gauge(m, "agents.standby", c -> SystemContainerAgent.all(c.getCloudId()).stream()
                .filter(SystemContainerAgent::isStandby).count());
        gauge(m, "agents.provisioning", c -> activity(c).inFlight(null));
        gauge(m, "templates.suspended", c -> c.getSuspensions().size());
        gauge(m, "provisioning.failures.recent", c -> activity(c).failures().size());
        gauge(m, "caches.volumes", c -> caches(c).stream().mapToLong(s -> s.volumes().size()).sum());
        gauge(m, "caches.hits", c -> caches(c).stream().mapToLong(CacheStats::hits).sum());
        gauge(m, "caches.misses", c -> caches(c).stream().mapToLong(CacheStats::misses).sum());
        gauge(m, "caches.evictions", c -> caches(c).stream().mapToLong(CacheStats::evictions).sum());
        gauge(m, "starts.warm", c -> starts(c, true));
        gauge(m, "starts.cold", c -> starts(c, false));
        m.put(PREFIX + "starts.queue_to_online_ms.p50", (Gauge<Long>) () -> startFigure().p50());
        m.put(PREFIX + "starts.queue_to_online_ms.p90", (Gauge<Long>) () -> startFigure().p90());
        return metrics(m);
    }

    private static void gauge(Map<String, Metric> m, String name, ToLongFunction<SystemContainerCloud> f) {
        m.put(PREFIX + name, (Gauge<Long>) () -> sum(f));
    }

    /** The names of the gauges, for the docs and tests. */
    static List<String> names() {
        return List.copyOf(new MetricsGauges().getMetricSet().getMetrics().keySet());
    }

    private static long sum(ToLongFunction<SystemContainerCloud> f) {
        long n = 0;
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s) {
                n += f.applyAsLong(s);
            }
        }
        return n;
    }

    private static CloudActivity activity(SystemContainerCloud c) {
        return CloudEngines.get().activity(c.getCloudId());
    }

    private static List<CacheStats> caches(SystemContainerCloud c) {
        AgentBackend engine = c.engineIfReady();
        return engine == null ? List.of() : engine.caches();
    }

    private static long starts(SystemContainerCloud c, boolean warm) {
        StartTimings t = activity(c).timings();
        return t.templates().stream().mapToLong(x -> warm ? t.summary(x).warm() : t.summary(x).cold()).sum();
    }

    /** Queue-to-online over the kept starts of every template of every cloud. */
    private static StartTimings.Figure startFigure() {
        List<StartTimings.Sample> all = new ArrayList<>();
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s) {
                StartTimings t = activity(s).timings();
                t.templates().forEach(x -> all.addAll(t.samples(x)));
            }
        }
        StartTimings merged = new StartTimings();
        all.forEach(x -> merged.record("all", x));
        return merged.summary("all").queueToOnline();
    }
}
