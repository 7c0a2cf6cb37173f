package io.jenkins.plugins.syscontainer.provisioning;

import io.jenkins.plugins.syscontainer.engine.FailureKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a provisioning failure into Jenkins behaviour. A failure that provisioning elsewhere cannot fix (a bad
 * setting, an image every healthy host refused) suspends the template for a while, so Jenkins stops asking this cloud for it instead of creating
 * and failing agents in a loop; the reason is kept for the cloud's page and the log. Other failures only make the
 * engine try another host next time.
 */
public final class TemplateSuspensions {
    public static final Duration SUSPENSION = Duration.ofMinutes(10);

    private final Clock clock;
    private final Map<String, Suspension> byTemplate = new ConcurrentHashMap<>();

    public record Suspension(Instant until, FailureKind kind, String reason) {
    }

    public TemplateSuspensions(Clock clock) {
        this.clock = clock;
    }

    /** Records a failure; true when it suspended the template (the build should fail fast rather than wait). */
    public boolean onFailure(String template, FailureKind kind, String reason) {
        if (!kind.templateFatal()) {
            return false;
        }
        byTemplate.put(template, new Suspension(clock.instant().plus(SUSPENSION), kind, reason));
        return true;
    }

    /** The current suspension of the template, or null. */
    public Suspension suspension(String template) {
        Suspension s = byTemplate.get(template);
        if (s != null && !s.until().isAfter(clock.instant())) {
            byTemplate.remove(template, s);
            return null;
        }
        return s;
    }

    /** Whether no template is suspended (the queue's checks then skip everything else). */
    public boolean isEmpty() {
        byTemplate.values().removeIf(s -> !s.until().isAfter(clock.instant()));
        return byTemplate.isEmpty();
    }

    /** Lifts a suspension; true when there was one. */
    public boolean clear(String template) {
        return byTemplate.remove(template) != null;
    }

    /** A suspended template, for the cloud's page. */
    public record Entry(String template, Suspension suspension) {
    }

    /** The suspensions in force now, by template name. */
    public java.util.List<Entry> entries() {
        isEmpty(); // drops the expired ones
        return byTemplate.entrySet().stream().map(e -> new Entry(e.getKey(), e.getValue()))
                .sorted(java.util.Comparator.comparing(Entry::template)).toList();
    }
}
