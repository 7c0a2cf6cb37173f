package io.jenkins.plugins.syscontainer;

import hudson.Extension;
import hudson.XmlFile;
import hudson.model.Computer;
import hudson.model.Saveable;
import hudson.model.listeners.SaveableListener;
import hudson.slaves.Cloud;
import hudson.util.FormValidation;
import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.util.SystemProperties;

/**
 * Whether the hosts of a cloud have a template's image, for templates that may not pull it (pull policy
 * {@code never}): such a template cannot start agents on a host that lacks it. Asked when the template form is checked
 * and after every save of Jenkins' configuration; the look-up (one short Docker call per host, through the cloud's
 * engine) runs on a pool thread, never on a request thread: the form waits a short bound for it and otherwise says it
 * is checking; the status page and the cloud's page show the last result. Results are kept in memory for a short
 * while, so a form opened again answers at once.
 */
@Extension
public final class ImageChecks {
    private static final Logger LOG = Logger.getLogger(ImageChecks.class.getName());
    /** A result younger than this is answered without asking the hosts again. */
    static final long FRESH_MS = SystemProperties.getLong(ImageChecks.class.getName() + ".freshSeconds", 30L) * 1000L;
    /** How long a form check waits for the hosts' answer before it says "checking". */
    static final long FORM_WAIT_MS = SystemProperties.getLong(ImageChecks.class.getName() + ".formWaitMillis", 2000L);

    /** What the cloud's hosts said about an image, when. {@code missingOn} and {@code presentOn} name hosts. */
    public record Result(Instant at, String image, List<String> missingOn, List<String> presentOn) {
    }

    private static final class Entry {
        volatile Result result;
        volatile CompletableFuture<Result> running;
    }

    private static final java.time.format.DateTimeFormatter WHEN = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC);
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public static ImageChecks get() {
        return Jenkins.get().getExtensionList(ImageChecks.class).get(0);
    }

    private static String key(SystemContainerCloud cloud, String image) {
        return cloud.getCloudId() + "\n" + image;
    }

    /**
     * The hosts' answer about an image, asked on a pool thread unless a result younger than {@link #FRESH_MS} is at
     * hand ({@code force}: ask again anyway, unless a check is running). Never waits.
     */
    public CompletableFuture<Result> check(SystemContainerCloud cloud, String image, boolean force) {
        Entry e = entries.computeIfAbsent(key(cloud, image), k -> new Entry());
        synchronized (e) {
            CompletableFuture<Result> running = e.running;
            if (running != null && !running.isDone()) {
                return running;
            }
            Result r = e.result;
            if (!force && r != null && r.at().plusMillis(FRESH_MS).isAfter(Instant.now())) {
                return CompletableFuture.completedFuture(r);
            }
            CompletableFuture<Result> f = new CompletableFuture<>();
            e.running = f;
            Computer.threadPoolForRemoting.submit(() -> {
                try {
                    Result done = lookUp(cloud, image);
                    e.result = done;
                    f.complete(done);
                } catch (RuntimeException | Error x) {
                    LOG.log(Level.FINE, "cloud " + cloud.name + ": checking image " + image, x);
                    f.completeExceptionally(x);
                }
            });
            return f;
        }
    }

    /** The last result for a cloud's image, or null; whether a check is running is {@link #isChecking}. */
    public Result latest(SystemContainerCloud cloud, String image) {
        Entry e = entries.get(key(cloud, image));
        return e == null ? null : e.result;
    }

    public boolean isChecking(SystemContainerCloud cloud, String image) {
        Entry e = entries.get(key(cloud, image));
        CompletableFuture<Result> f = e == null ? null : e.running;
        return f != null && !f.isDone();
    }

    /** Talks to the hosts (through the cloud's engine, which may first recover its state): a pool thread only. */
    private static Result lookUp(SystemContainerCloud cloud, String image) {
        AgentBackend engine = cloud.engine();
        Map<String, Boolean> presence = engine.imagePresence(image);
        List<String> missing = new ArrayList<>();
        List<String> present = new ArrayList<>();
        presence.forEach((host, has) -> (has ? present : missing).add(host));
        return new Result(Instant.now(), image, missing, present);
    }

    /**
     * The form's answer about a never-pull template's image: a warning naming the hosts that lack it; after
     * {@link #FORM_WAIT_MS} without their answer, a note that the check goes on; OK when every host that answered has
     * it. Waits that short bound at most: the hosts are asked on a pool thread.
     */
    FormValidation formCheck(SystemContainerCloud cloud, String image) throws InterruptedException {
        CompletableFuture<Result> f = check(cloud, image, false);
        Result r;
        try {
            r = f.get(FORM_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return FormValidation.ok(Messages.ImageChecks_Checking(image, cloud.name));
        } catch (ExecutionException e) {
            return FormValidation.warning(Messages.ImageChecks_Failed(image, cloud.name, String.valueOf(e.getCause().getMessage())));
        }
        return r.missingOn().isEmpty() ? FormValidation.ok()
                : FormValidation.warning(Messages.ImageChecks_Missing(image, String.join(", ", r.missingOn()), cloud.name));
    }

    /** For the status page and the cloud's page: each never-pull template whose image some host lacks, or in check. */
    public List<String> warnings(SystemContainerCloud cloud) {
        List<String> out = new ArrayList<>();
        for (AgentTemplate t : cloud.getTemplates()) {
            if (!AgentTemplate.PULL_NEVER.equals(t.getPullPolicy())) {
                continue;
            }
            Result r = latest(cloud, t.getImage());
            if (r != null && !r.missingOn().isEmpty()) {
                out.add(Messages.ImageChecks_TemplateMissing(t.getName(), t.getImage(), String.join(", ", r.missingOn()),
                        WHEN.format(r.at())));
            } else if (r == null && isChecking(cloud, t.getImage())) {
                out.add(Messages.ImageChecks_TemplateChecking(t.getName(), t.getImage()));
            }
        }
        return out;
    }

    /**
     * Asks the hosts again about every never-pull template's image (after a save), for the clouds whose engine is up
     * already: a save builds no engine (a new cloud's is built by its first agent, or by the form's check). Never waits.
     */
    void refreshAll() {
        for (Cloud c : Jenkins.get().clouds) {
            if (c instanceof SystemContainerCloud s && s.engineIfReady() != null) {
                for (AgentTemplate t : s.getTemplates()) {
                    if (AgentTemplate.PULL_NEVER.equals(t.getPullPolicy()) && t.problem() == null) {
                        check(s, t.getImage(), true);
                    }
                }
            }
        }
    }

    /** After Jenkins' configuration is saved (a cloud form saved, configuration as code applied): check again. */
    @Extension
    public static final class OnSave extends SaveableListener {
        @Override
        public void onChange(Saveable o, XmlFile file) {
            if (o instanceof Jenkins) {
                ImageChecks.get().refreshAll();
            }
        }
    }
}
