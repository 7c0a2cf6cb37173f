package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ReapReport;
import io.jenkins.plugins.syscontainer.engine.cache.EphemeralVolumes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes this controller's agent containers whose agent no longer exists, once they are older than a grace period
 * (so an agent being provisioned right now is never taken for an orphan). It only ever looks at containers labelled
 * with this controller's id: containers of another controller, or without our labels, are never touched.
 */
final class Reaper {
    private final String controllerId;
    private final Clock clock;

    Reaper(String controllerId, Clock clock) {
        this.controllerId = controllerId;
        this.clock = clock;
    }

    /**
     * @param liveAgents the agent names that exist (Jenkins nodes, plus agents being provisioned)
     * @param grace how old a container must be before it can be reaped
     */
    ReapReport reap(ManagedHost host, Set<String> liveAgents, Duration grace) {
        List<String> removed = new ArrayList<>();
        List<String> exited = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<Container> ours = host.api().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.CONTROLLER, controllerId)).exec();
        Instant now = clock.instant();
        for (Container c : ours) {
            Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
            if (!controllerId.equals(labels.get(Labels.CONTROLLER))) {
                continue; // belt and braces: the filter is the engine's, this check is ours
            }
            String agent = labels.get(Labels.AGENT);
            String name = agent != null ? agent : c.getId();
            if (agent != null && liveAgents.contains(agent)) {
                if ("exited".equals(c.getState()) || "dead".equals(c.getState())) {
                    exited.add(name + " (" + c.getStatus() + ")");
                }
                continue;
            }
            if (!olderThan(labels.get(Labels.CREATED_AT), c.getCreated(), now, grace)) {
                continue;
            }
            try {
                host.api().removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(false).exec();
                removed.add(name);
                if (agent != null) {
                    host.release(agent);
                }
            } catch (NotFoundException e) {
                removed.add(name);
            } catch (RuntimeException e) {
                errors.add(name + ": " + e.getMessage());
            }
        }
        return new ReapReport(host.name(), removed, exited, errors, reapThrowAwayVolumes(host, liveAgents, grace, now, errors));
    }

    /** Throw-away volumes whose agent is gone (its release failed, or the controller died before it). */
    private List<String> reapThrowAwayVolumes(ManagedHost host, Set<String> liveAgents, Duration grace, Instant now,
            List<String> errors) {
        return removeVolumes(host, List.of(Labels.ROLE + "=" + EphemeralVolumes.ROLE, Labels.CONTROLLER + "=" + controllerId),
                l -> !liveAgents.contains(l.get(Labels.AGENT)) && olderThan(l.get(Labels.CREATED_AT), 0L, now, grace), errors);
    }

    /**
     * Removes every volume of this controller id on the host, cache volumes included: for a cloud that was deleted,
     * once its containers are gone. A volume still in use is reported, not forced.
     */
    List<String> removeAllVolumes(ManagedHost host, List<String> errors) {
        return removeVolumes(host, List.of(Labels.CONTROLLER + "=" + controllerId), l -> true, errors);
    }

    /**
     * Removes this controller id's volumes that Docker's label filter finds and {@code remove} accepts (by their
     * labels); one still mounted is reported in {@code errors} and left for the next pass.
     */
    private List<String> removeVolumes(ManagedHost host, List<String> labelFilter,
            java.util.function.Predicate<Map<String, String>> remove, List<String> errors) {
        List<String> removed = new ArrayList<>();
        var vols = host.api().listVolumesCmd().withFilter("label", labelFilter).exec().getVolumes();
        for (var v : vols == null ? List.<com.github.dockerjava.api.command.InspectVolumeResponse>of() : vols) {
            Map<String, String> l = v.getLabels() == null ? Map.of() : v.getLabels();
            if (!controllerId.equals(l.get(Labels.CONTROLLER)) || !remove.test(l)) {
                continue; // belt and braces: the filter is the engine's, this check is ours
            }
            try {
                host.api().removeVolumeCmd(v.getName()).exec();
                removed.add(v.getName());
            } catch (NotFoundException e) {
                removed.add(v.getName());
            } catch (RuntimeException e) {
                errors.add("volume " + v.getName() + ": " + e.getMessage());
            }
        }
        return removed;
    }

    private static boolean olderThan(String createdLabel, Long createdEpochSeconds, Instant now, Duration grace) {
        Instant created;
        try {
            created = createdLabel != null ? Instant.parse(createdLabel)
                    : Instant.ofEpochSecond(createdEpochSeconds == null ? 0 : createdEpochSeconds);
        } catch (DateTimeParseException e) {
            created = Instant.ofEpochSecond(createdEpochSeconds == null ? 0 : createdEpochSeconds);
        }
        return !created.plus(grace).isAfter(now);
    }
}
