package io.jenkins.plugins.syscontainer;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Computer;
import hudson.model.TaskListener;
import hudson.util.HttpResponses;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.HostHealth;
import io.jenkins.plugins.syscontainer.engine.HostProbe;
import io.jenkins.plugins.syscontainer.engine.ManagedHost;
import io.jenkins.plugins.syscontainer.engine.StartTimings;
import io.jenkins.plugins.syscontainer.engine.SystemContainerEngine;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.model.TransientActionFactory;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.interceptor.RequirePOST;

/**
 * A cloud's status page ({@code cloud/NAME/system-containers/}): hosts and their health and runtime, agents, cache
 * pools, suspended templates, recent failures and start timings, from memory and the engine's live state (opening
 * the page makes no Docker call). Reading it needs Overall/SystemRead, as the cloud's own page does; its actions are
 * POSTs for administrators, and they start the Docker work on a pool thread and return at once. It shows no secret:
 * no credentials, no environment values.
 */
public class CloudStatusAction implements Action {
    private static final Logger LOG = Logger.getLogger(CloudStatusAction.class.getName());
    private final SystemContainerCloud cloud;

    CloudStatusAction(SystemContainerCloud cloud) {
        this.cloud = cloud;
    }

    public SystemContainerCloud getCloud() {
        return cloud;
    }

    @Override
    public String getIconFileName() {
        return Jenkins.get().hasPermission(Jenkins.SYSTEM_READ) ? "symbol-analytics" : null;
    }

    @Override
    public String getDisplayName() {
        return Messages.CloudStatusAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "system-containers";
    }

    /** The cloud's engine if it is built and has recovered its state, else null (the page says so). */
    private SystemContainerEngine engine() {
        try {
            return CloudEngines.ifReady(cloud.getCloudId(), cloud.engineConfig());
        } catch (RuntimeException e) {
            return null;
        }
    }

    public boolean isEngineReady() {
        return engine() != null;
    }

    /** One row per configured host. */
    public record HostRow(String name, String uri, boolean up, String retryAt, String lastError, int failures,
            String runtime, String runtimeStatus) {
    }

    public List<HostRow> getHosts() {
        SystemContainerEngine engine = engine();
        List<HostRow> rows = new ArrayList<>();
        for (DockerHostEntry h : cloud.getHosts()) {
            HostHealth health = null;
            if (engine != null) {
                try {
                    health = engine.host(h.getName()).health();
                } catch (IllegalArgumentException e) {
                    // a host added since the engine was built
                }
            }
            CloudStatus.RuntimeCheck rc = CloudStatus.runtime(cloud.getCloudId(), h.getName());
            String runtime;
            String status;
            if (rc == null) {
                runtime = Messages.CloudStatusAction_NotChecked();
                status = "unknown";
            } else if (rc.running()) {
                runtime = Messages.CloudStatusAction_Checking(rc.at());
                status = "unknown";
            } else {
                runtime = ProbeReport.text(rc.report()) + "\n(" + rc.at() + ")";
                status = rc.report().ok() ? "ok" : ProbeReport.text(rc.report()).contains("not isolated") ? "not-isolated" : "failed";
            }
            Instant retry = health == null ? null : health.retryAt();
            rows.add(new HostRow(h.getName(), h.getUri(), health == null || health.isAvailable(),
                    retry == null ? "" : retry.toString(), health == null || health.lastError() == null ? "" : health.lastError(),
                    health == null ? 0 : health.consecutiveFailures(), runtime, status));
        }
        return rows;
    }

    /** One row per agent of this cloud, ordered by host then template. */
    public record AgentRow(String name, String host, String template, String age, String state, String url) {
    }

    public List<AgentRow> getAgents() {
        List<AgentRow> rows = new ArrayList<>();
        for (SystemContainerAgent a : SystemContainerAgent.all(cloud.getCloudId())) {
            Computer c = a.toComputer();
            String state = c == null ? "gone" : c.isConnecting() ? "connecting" : c.isOffline() ? "offline"
                    : c.isIdle() ? "idle" : "busy";
            long ageMs = c instanceof SystemContainerComputer sc ? sc.age() : -1;
            rows.add(new AgentRow(a.getNodeName(), a.getHostName(), a.getTemplateName(),
                    ageMs < 0 ? "" : human(Duration.ofMillis(ageMs)), state, c == null ? null : c.getUrl()));
        }
        rows.sort((x, y) -> (x.host() + "/" + x.template() + "/" + x.name()).compareTo(y.host() + "/" + y.template() + "/" + y.name()));
        return rows;
    }

    /** The engine's cache pools (empty while it recovers). */
    public List<CacheStats> getCaches() {
        SystemContainerEngine engine = engine();
        return engine == null ? List.of() : engine.caches().stats();
    }

    public static String hitRatio(CacheStats s) {
        long total = s.hits() + s.misses();
        return total == 0 ? "–" : Math.round(100.0 * s.hits() / total) + " % of " + total;
    }

    public static String formatSize(long bytes) {
        if (bytes < 0) {
            return "not measured yet";
        }
        return bytes < (1L << 30) ? (bytes >> 20) + " MiB" : String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    public static String human(Duration d) {
        long s = d.toSeconds();
        return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s / 3600 + " h";
    }

    /** Suspended templates, each with why and until when. */
    public List<TemplateSuspensions.Entry> getSuspensions() {
        return cloud.suspensions().entries();
    }

    public List<String> getTemplateProblems() {
        return cloud.getTemplateProblemLines();
    }

    public List<ProvisioningFailures.Failure> getFailures() {
        return ProvisioningFailures.of(cloud.getCloudId());
    }

    public String getLastAction() {
        return CloudStatus.lastAction(cloud.getCloudId());
    }

    /** Start timings of the templates that have started agents since the controller started. */
    public record TimingRow(String template, StartTimings.Summary summary, String chart) {
    }

    public List<TimingRow> getTimings() {
        StartTimings t = CloudStatus.timings(cloud.getCloudId());
        List<TimingRow> rows = new ArrayList<>();
        for (String template : t.templates()) {
            rows.add(new TimingRow(template, t.summary(template), StartTimesChart.svg(t.samples(template))));
        }
        return rows;
    }

    public static String ms(StartTimings.Figure f) {
        return f.count() == 0 ? "–" : f.p50() + " / " + f.p90() + " ms";
    }

    private void requireAdmin() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
    }

    /** Lifts a template's suspension now (the administrator fixed what failed). */
    @RequirePOST
    public HttpResponse doLiftSuspension(@QueryParameter String template) {
        requireAdmin();
        boolean lifted = cloud.suspensions().clear(template);
        CloudStatus.lastAction(cloud.getCloudId(), lifted ? Messages.CloudStatusAction_Lifted(template)
                : Messages.CloudStatusAction_NotSuspended(template));
        CloudEngines.reviewQueueSoon();
        return HttpResponses.redirectToDot();
    }

    /** Removes an idle (or quarantined) cache volume; a leased one is refused. Runs on a pool thread. */
    @RequirePOST
    public HttpResponse doEvict(@QueryParameter String host, @QueryParameter String volume) {
        requireAdmin();
        SystemContainerEngine engine = engine();
        if (engine == null) {
            CloudStatus.lastAction(cloud.getCloudId(), Messages.CloudStatusAction_EngineNotReady());
            return HttpResponses.redirectToDot();
        }
        CloudStatus.lastAction(cloud.getCloudId(), Messages.CloudStatusAction_Evicting(volume, host));
        Computer.threadPoolForRemoting.submit(() -> {
            boolean done;
            try {
                done = ReaperWork.evictor(cloud, engine).evict(engine.host(host), volume);
            } catch (RuntimeException e) {
                done = false;
                LOG.log(Level.WARNING, "evicting " + volume + " on " + host, e);
            }
            CloudStatus.lastAction(cloud.getCloudId(), done ? Messages.CloudStatusAction_Evicted(volume, host)
                    : Messages.CloudStatusAction_NotEvicted(volume, host));
        });
        return HttpResponses.redirectToDot();
    }

    /** One reaper pass over this cloud now, instead of at the next period. Runs on a pool thread. */
    @RequirePOST
    public HttpResponse doReapNow() {
        requireAdmin();
        CloudStatus.lastAction(cloud.getCloudId(), Messages.CloudStatusAction_Reaping());
        Computer.threadPoolForRemoting.submit(() -> {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            TaskListener l = new hudson.util.StreamTaskListener(out, java.nio.charset.StandardCharsets.UTF_8);
            try {
                ReaperWork.reap(cloud, ReaperWork.liveAgents(), l);
                CloudStatus.lastAction(cloud.getCloudId(), Messages.CloudStatusAction_Reaped(
                        out.toString(java.nio.charset.StandardCharsets.UTF_8).strip()));
            } catch (InterruptedException | RuntimeException e) {
                CloudStatus.lastAction(cloud.getCloudId(), Messages.CloudStatusAction_ReapFailed(e.getMessage()));
            }
        });
        return HttpResponses.redirectToDot();
    }

    /** Probes a host ("is it really Sysbox"): starts a probe system container. Runs on a pool thread. */
    @RequirePOST
    public HttpResponse doCheckRuntime(@QueryParameter String host) {
        requireAdmin();
        DockerHostEntry entry = cloud.getHosts().stream().filter(h -> h.getName().equals(host)).findFirst().orElse(null);
        if (entry == null) {
            return HttpResponses.errorWithoutStack(400, "no Docker host named '" + host + "' in cloud " + cloud.name);
        }
        String id = cloud.getCloudId();
        CloudStatus.runtime(id, host, new CloudStatus.RuntimeCheck(Instant.now(), true, null));
        Computer.threadPoolForRemoting.submit(() -> {
            HostProbe.Report r;
            try (SystemContainerEngine probe = new SystemContainerEngine(Jenkins.get().getLegacyInstanceId() + ".probe",
                    List.of(entry.toDockerHost(entry.resolveTls())), new io.jenkins.plugins.syscontainer.engine.SecurityPolicy(
                            cloud.getRuntimeSet()))) {
                String image = cloud.getTemplates().isEmpty() ? AgentTemplate.DEFAULT_IMAGE : cloud.getTemplates().get(0).getImage();
                String runtime = cloud.getRuntimeSet().iterator().next();
                r = HostProbe.probe(probe, host, SystemContainerSpec.builder(image).runtime(runtime).build(), Duration.ofSeconds(90));
            } catch (Exception e) {
                r = new HostProbe.Report(host, List.of(new HostProbe.Check("probe", HostProbe.Status.FAIL, String.valueOf(e.getMessage()))));
            }
            CloudStatus.runtime(id, host, new CloudStatus.RuntimeCheck(Instant.now(), false, r));
        });
        return HttpResponses.redirectToDot();
    }

    /** Adds the status page to every system container cloud (its side panel, and its menu on Manage Jenkins → Clouds). */
    @Extension
    public static final class Factory extends TransientActionFactory<SystemContainerCloud> {
        @Override
        public Class<SystemContainerCloud> type() {
            return SystemContainerCloud.class;
        }

        @NonNull
        @Override
        public Collection<? extends Action> createFor(@NonNull SystemContainerCloud target) {
            return List.of(new CloudStatusAction(target));
        }
    }
}
