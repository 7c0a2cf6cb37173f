package io.jenkins.plugins.syscontainer.status;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Computer;
import hudson.model.TaskListener;
import hudson.util.HttpResponses;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.DockerHostEntry;
import io.jenkins.plugins.syscontainer.ImageChecks;
import io.jenkins.plugins.syscontainer.ProbeReport;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.TestConnectionResults;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.agent.SystemContainerComputer;
import io.jenkins.plugins.syscontainer.cleanup.ReaperWork;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.HostStatus;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.StartTimings;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.provisioning.CloudActivity;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import io.jenkins.plugins.syscontainer.provisioning.StandbyPool;
import io.jenkins.plugins.syscontainer.provisioning.TemplateSuspensions;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern LEADING_INSTANT = Pattern.compile("(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z)");
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

    /** The cloud's engine if it is built and has recovered its state, else null (the page says so). Never waits. */
    private AgentBackend engine() {
        return cloud.engineIfReady();
    }

    private CloudActivity activity() {
        return CloudEngines.get().activity(cloud.getCloudId());
    }

    public boolean isEngineReady() {
        return engine() != null;
    }

    /** An instant as people read it: to the second, in UTC. */
    public static String when(Instant t) {
        return t == null ? "" : DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                .withZone(ZoneOffset.UTC).format(t);
    }

    /** One row per configured host. */
    public record HostRow(String name, String uri, boolean up, String retryAt, String lastError, int failures,
            String runtime, String runtimeStatus) {
    }

    public List<HostRow> getHosts() {
        AgentBackend engine = engine();
        Map<String, HostStatus> status = new HashMap<>();
        if (engine != null) {
            engine.hosts().forEach(h -> status.put(h.name(), h));
        }
        List<HostRow> rows = new ArrayList<>();
        Map<String, DockerHostEntry> entries = new HashMap<>();
        cloud.getHosts().forEach(e -> entries.put(e.getName(), e));
        for (Map.Entry<String, String> h : cloud.getPlaces().entrySet()) {
            HostStatus st = status.get(h.getKey());
            CloudActivity.RuntimeCheck rc = activity().runtimeCheck(h.getKey());
            // Test connection on the configuration page probes the same way: its result counts when it is newer.
            DockerHostEntry entry = entries.get(h.getKey());
            TestConnectionResults.Result tested = entry == null ? null : TestConnectionResults.latest(entry);
            String runtime;
            String check;
            if (tested != null && (rc == null || !rc.running() && tested.at().isAfter(rc.at()))) {
                runtime = ProbeReport.text(tested.report()) + "\n(" + Messages.CloudStatusAction_TestConnectionAt(when(tested.at())) + ")";
                check = checkClass(tested.report());
            } else if (rc == null) {
                runtime = Messages.CloudStatusAction_NotChecked();
                check = "unknown";
            } else if (rc.running()) {
                runtime = Messages.CloudStatusAction_Checking(when(rc.at()));
                check = "unknown";
            } else {
                runtime = ProbeReport.text(rc.report()) + "\n(" + when(rc.at()) + ")";
                check = checkClass(rc.report());
            }
            rows.add(new HostRow(h.getKey(), h.getValue(), st == null || st.available(),
                    st == null ? "" : when(st.retryAt()), st == null || st.lastError() == null ? "" : st.lastError(),
                    st == null ? 0 : st.failures(), runtime, check));
        }
        return rows;
    }

    private static String checkClass(ProbeResult r) {
        return r.ok() ? "ok" : r.notIsolated() ? "not-isolated" : "failed";
    }

    /** One row per agent of this cloud, ordered by host then template. */
    public record AgentRow(String name, String host, String template, String age, String state, String url) {
    }

    public List<AgentRow> getAgents() {
        List<AgentRow> rows = new ArrayList<>();
        for (SystemContainerAgent a : SystemContainerAgent.all(cloud.getCloudId())) {
            Computer c = a.toComputer();
            String state = c == null ? "gone" : c.isConnecting() ? "connecting" : c.isOffline() ? "offline"
                    : c.isIdle() ? (a.isStandby() ? "standby" : "idle") : "busy";
            long ageMs = c instanceof SystemContainerComputer sc ? sc.age() : -1;
            rows.add(new AgentRow(a.getNodeName(), a.getHostName(), a.getTemplateName(),
                    ageMs < 0 ? "" : human(Duration.ofMillis(ageMs)), state, c == null ? null : c.getUrl()));
        }
        rows.sort((x, y) -> (x.host() + "/" + x.template() + "/" + x.name()).compareTo(y.host() + "/" + y.template() + "/" + y.name()));
        return rows;
    }

    /**
     * A template's standby pool: its target, agents ready for a build, agents starting, the maximum age, and the share of
     * the builds since the controller started that took a standby agent.
     */
    public record StandbyRow(String template, int target, int ready, int starting, String maxAge, String share) {
    }

    public List<StandbyRow> getStandbyPools() {
        Map<String, CloudActivity.Takes> takes = CloudEngines.get().activity(cloud.getCloudId()).takes();
        List<StandbyRow> rows = new ArrayList<>();
        for (StandbyPool.State s : StandbyPool.get().states(cloud)) {
            CloudActivity.Takes t = takes.get(s.template());
            String share = t == null || t.builds() == 0 ? "no build yet"
                    : t.fromStandby() + " of " + t.builds() + " (" + Math.round(100.0 * t.fromStandby() / t.builds()) + " %)";
            rows.add(new StandbyRow(s.template(), s.target(), s.ready(), s.starting(),
                    s.maxAge() == null ? "" : human(s.maxAge()), share));
        }
        return rows;
    }

    /** The engine's cache pools (empty while it recovers). */
    public List<CacheStats> getCaches() {
        AgentBackend engine = engine();
        return engine == null ? List.of() : engine.caches();
    }

    public static String hitRatio(CacheStats s) {
        long total = s.hits() + s.misses();
        return total == 0 ? "–" : Math.round(100.0 * s.hits() / total) + " % of " + total;
    }

    public static String formatSize(long bytes) {
        if (bytes < 0) {
            return Messages.CloudStatusAction_NotMeasured();
        }
        return bytes < (1L << 30) ? (bytes >> 20) + " MiB" : String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    public static String human(Duration d) {
        long s = d.toSeconds();
        return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s / 3600 + " h";
    }

    /** Suspended templates, each with why and until when. */
    public List<TemplateSuspensions.Entry> getSuspensions() {
        return cloud.getSuspensions();
    }

    public List<String> getTemplateProblems() {
        return cloud.getTemplateProblemLines();
    }

    public List<CloudActivity.Failure> getFailures() {
        return activity().failures();
    }

    /** Templates whose image is missing on hosts where they may not pull it, and checks still running. */
    public List<String> getImageWarnings() {
        return ImageChecks.get().warnings(cloud);
    }

    /** The last action, its time shown as the rest of the page shows times (it is recorded as an ISO instant). */
    public String getLastAction() {
        String a = activity().lastAction();
        Matcher m = a == null ? null : LEADING_INSTANT.matcher(a);
        if (m != null && m.lookingAt()) {
            try {
                return when(Instant.parse(m.group(1))) + a.substring(m.group(1).length());
            } catch (DateTimeParseException e) {
                return a;
            }
        }
        return a;
    }

    /** Start timings of the templates that have started agents since the controller started. */
    public record TimingRow(String template, StartTimings.Summary summary, String chart) {
    }

    public List<TimingRow> getTimings() {
        StartTimings t = activity().timings();
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
        boolean lifted = cloud.liftSuspension(template);
        activity().lastAction(lifted ? Messages.CloudStatusAction_Lifted(template)
                : Messages.CloudStatusAction_NotSuspended(template));
        CloudEngines.reviewQueueSoon();
        return HttpResponses.redirectToDot();
    }

    /** Removes an idle (or quarantined) cache volume; a leased one is refused. Runs on a pool thread. */
    @RequirePOST
    public HttpResponse doEvict(@QueryParameter String host, @QueryParameter String volume) {
        requireAdmin();
        AgentBackend engine = engine();
        if (engine == null) {
            activity().lastAction(Messages.CloudStatusAction_EngineNotReady());
            return HttpResponses.redirectToDot();
        }
        CloudActivity activity = activity();
        activity.lastAction(Messages.CloudStatusAction_Evicting(volume, host));
        Computer.threadPoolForRemoting.submit(() -> {
            boolean done;
            try {
                done = engine.evict(host, volume);
            } catch (RuntimeException e) {
                done = false;
                LOG.log(Level.WARNING, "evicting " + volume + " on " + host, e);
            }
            activity.lastAction(done ? Messages.CloudStatusAction_Evicted(volume, host)
                    : Messages.CloudStatusAction_NotEvicted(volume, host));
        });
        return HttpResponses.redirectToDot();
    }

    /** One reaper pass over this cloud now, instead of at the next period. Runs on a pool thread. */
    @RequirePOST
    public HttpResponse doReapNow() {
        requireAdmin();
        CloudActivity activity = activity();
        activity.lastAction(Messages.CloudStatusAction_Reaping());
        Computer.threadPoolForRemoting.submit(() -> {
            try {
                ReaperWork.Pass pass = ReaperWork.reap(cloud, ReaperWork.liveAgents());
                // An administrator asked: measure the cache volumes now (the scheduled pass does it every 15 minutes).
                String sizes;
                try {
                    cloud.engine().refreshCacheSizes();
                    sizes = Messages.CloudStatusAction_SizesMeasured();
                } catch (IOException | RuntimeException e) {
                    sizes = Messages.CloudStatusAction_SizesNotMeasured(e.getMessage());
                }
                activity.lastAction(Messages.CloudStatusAction_Reaped(pass.summary()) + "; " + sizes);
            } catch (InterruptedException | RuntimeException e) {
                activity.lastAction(Messages.CloudStatusAction_ReapFailed(e.getMessage()));
            }
        });
        return HttpResponses.redirectToDot();
    }

    /** Probes a host ("is it really Sysbox"): starts a probe system container. Runs on a pool thread. */
    @RequirePOST
    public HttpResponse doCheckRuntime(@QueryParameter String host) {
        requireAdmin();
        if (!cloud.getPlaces().containsKey(host)) {
            return HttpResponses.errorWithoutStack(400, "no Docker host named '" + host + "' in cloud " + cloud.name);
        }
        CloudActivity activity = activity();
        activity.runtimeCheck(host, new CloudActivity.RuntimeCheck(Instant.now(), true, null));
        Computer.threadPoolForRemoting.submit(() -> {
            ProbeResult r;
            String image = cloud.getTemplates().isEmpty() ? AgentTemplate.DEFAULT_IMAGE : cloud.getTemplates().get(0).getImage();
            String runtime = cloud.getRuntimeSet().iterator().next();
            try {
                r = cloud.probePlace(host, SystemContainerSpec.builder(image).runtime(runtime).build(), Duration.ofSeconds(90));
            } catch (Exception e) {
                r = new ProbeResult(host, List.of(new ProbeResult.Check("probe", ProbeResult.Status.FAIL,
                        String.valueOf(e.getMessage()))));
            }
            activity.runtimeCheck(host, new CloudActivity.RuntimeCheck(Instant.now(), false, r));
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
