package io.jenkins.plugins.syscontainer;

import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.slaves.Cloud;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.StartTimings;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Gauges in the Metrics plugin's registry when that plugin is installed; nothing otherwise. The plugin is not a
 * dependency (optional in spirit, without a build-time link): its registry and Dropwizard's {@code Gauge} type are
 * found by name through Jenkins' plugin class loader, and each gauge is a proxy of that interface. The gauges read
 * the same in-memory state as the cloud's status page, summed over all system container clouds. Names (documented in
 * docs/admin-guide.md) start with {@code system-container-agents.}.
 */
public final class MetricsBridge {
    private static final Logger LOG = Logger.getLogger(MetricsBridge.class.getName());
    static final String PREFIX = "system-container-agents.";

    private MetricsBridge() {
    }

    @Initializer(after = InitMilestone.EXTENSIONS_AUGMENTED)
    public static void registerIfMetricsInstalled() {
        Jenkins j = Jenkins.get();
        if (j.getPlugin("metrics") == null) {
            return;
        }
        try {
            ClassLoader cl = j.getPluginManager().uberClassLoader;
            Object registry = cl.loadClass("jenkins.metrics.api.Metrics").getMethod("metricRegistry").invoke(null);
            List<String> names = register(registry, cl, gauges());
            LOG.info(() -> "registered " + names.size() + " gauges with the Metrics plugin: " + names);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "the Metrics plugin is installed but its registry could not be used", e);
        }
    }

    /** The gauges, by name: what they read is live (every read looks at the clouds as they are then). */
    static Map<String, Supplier<Object>> gauges() {
        Map<String, Supplier<Object>> g = new LinkedHashMap<>();
        g.put(PREFIX + "agents", () -> count(c -> SystemContainerAgent.all(c.getCloudId()).size()));
        g.put(PREFIX + "agents.provisioning", () -> AgentFactory.inFlightAgents().size());
        g.put(PREFIX + "templates.suspended", () -> count(c -> c.suspensions().entries().size()));
        g.put(PREFIX + "provisioning.failures.recent", () -> count(c -> ProvisioningFailures.of(c.getCloudId()).size()));
        g.put(PREFIX + "caches.volumes", () -> count(c -> caches(c).stream().mapToInt(s -> s.volumes().size()).sum()));
        g.put(PREFIX + "caches.hits", () -> count(c -> (int) caches(c).stream().mapToLong(CacheStats::hits).sum()));
        g.put(PREFIX + "caches.misses", () -> count(c -> (int) caches(c).stream().mapToLong(CacheStats::misses).sum()));
        g.put(PREFIX + "caches.evictions", () -> count(c -> (int) caches(c).stream().mapToLong(CacheStats::evictions).sum()));
        g.put(PREFIX + "starts.warm", () -> count(c -> starts(c, true)));
        g.put(PREFIX + "starts.cold", () -> count(c -> starts(c, false)));
        g.put(PREFIX + "starts.queue_to_online_ms.p50", () -> startFigure().p50());
        g.put(PREFIX + "starts.queue_to_online_ms.p90", () -> startFigure().p90());
        return g;
    }

    private static int count(java.util.function.ToIntFunction<SystemContainerCloud> f) {
        int n = 0;
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s) {
                n += f.applyAsInt(s);
            }
        }
        return n;
    }

    private static List<CacheStats> caches(SystemContainerCloud c) {
        try {
            var engine = CloudEngines.ifReady(c.getCloudId(), c.engineConfig());
            return engine == null ? List.of() : engine.caches().stats();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static int starts(SystemContainerCloud c, boolean warm) {
        StartTimings t = CloudStatus.timings(c.getCloudId());
        return t.templates().stream().mapToInt(x -> warm ? t.summary(x).warm() : t.summary(x).cold()).sum();
    }

    /** Queue-to-online over the kept starts of every template of every cloud. */
    private static StartTimings.Figure startFigure() {
        List<StartTimings.Sample> all = new ArrayList<>();
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s) {
                StartTimings t = CloudStatus.timings(s.getCloudId());
                t.templates().forEach(x -> all.addAll(t.samples(x)));
            }
        }
        StartTimings merged = new StartTimings();
        all.forEach(x -> merged.record("all", x));
        return merged.summary("all").queueToOnline();
    }

    /**
     * Registers each gauge with a Dropwizard {@code MetricRegistry} given as an object, {@code Gauge} being looked up
     * in {@code cl}; returns the names registered (a name already there is left alone).
     */
    static List<String> register(Object registry, ClassLoader cl, Map<String, Supplier<Object>> gauges)
            throws ReflectiveOperationException {
        Class<?> gauge = cl.loadClass("com.codahale.metrics.Gauge");
        Class<?> metric = cl.loadClass("com.codahale.metrics.Metric");
        Method register = registry.getClass().getMethod("register", String.class, metric);
        Method names = registry.getClass().getMethod("getNames");
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, Supplier<Object>> e : gauges.entrySet()) {
            if (((java.util.Set<?>) names.invoke(registry)).contains(e.getKey())) {
                continue;
            }
            Supplier<Object> value = e.getValue();
            InvocationHandler h = (proxy, m, args) -> switch (m.getName()) {
                case "getValue" -> value.get();
                case "toString" -> "gauge " + e.getKey();
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(m.getName());
            };
            register.invoke(registry, e.getKey(), Proxy.newProxyInstance(cl, new Class<?>[] {gauge}, h));
            done.add(e.getKey());
        }
        return done;
    }
}
