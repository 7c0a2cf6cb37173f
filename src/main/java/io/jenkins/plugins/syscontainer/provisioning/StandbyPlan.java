package io.jenkins.plugins.syscontainer.provisioning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What one pass does to one template's standby pool, from live state only: which idle standby agents go (started
 * from settings since changed, older than the pool's maximum age, more than the pool wants) and how many to start.
 * No Jenkins in here, so the rules are tested on their own.
 */
public final class StandbyPlan {
    private StandbyPlan() {
    }

    /** A standby agent of the pool: its name, the settings digest it was started from, its age, whether idle. */
    public record Member(String name, String settings, Duration age, boolean idle) {
    }

    /** The agents to retire, each with why, and how many agents to start. */
    public record Decision(List<Retirement> retire, int start) {
    }

    public record Retirement(String agent, String why) {
    }

    /**
     * @param target the agents wanted (0 when the template has no pool any more, or none that can provision now)
     * @param settings the digest of the template's settings now (null: retire nothing for being stale)
     * @param maxAge the oldest a standby agent may get
     * @param members the pool's agents now (standby, unclaimed, unused, not terminating)
     * @param starting agents being started for the pool now
     * @param mayStart false while builds wait in the queue (they come first) or after a recent failure
     */
    public static Decision decide(int target, String settings, Duration maxAge, List<Member> members, int starting,
            boolean mayStart) {
        List<Retirement> retire = new ArrayList<>();
        List<Member> kept = new ArrayList<>();
        for (Member m : members) {
            if (!m.idle()) {
                kept.add(m); // a build is on its way onto it: it is no longer the pool's to retire
            } else if (settings != null && !settings.equals(m.settings())) {
                retire.add(new Retirement(m.name(), "started from settings since changed"));
            } else if (m.age().compareTo(maxAge) > 0) {
                retire.add(new Retirement(m.name(), "standby for longer than " + maxAge.toMinutes() + " minutes"));
            } else {
                kept.add(m);
            }
        }
        int surplus = kept.size() + starting - target;
        if (surplus > 0) {
            // The oldest go first: the younger ones have fresher images.
            kept.stream().filter(Member::idle).sorted(Comparator.comparing(Member::age).reversed())
                    .limit(Math.min(surplus, kept.size()))
                    .forEach(m -> retire.add(new Retirement(m.name(), "more than the pool's " + target + " agents")));
        }
        int live = kept.size() - (int) retire.stream().filter(r -> kept.stream().anyMatch(k -> k.name().equals(r.agent()))).count();
        int start = mayStart ? Math.max(0, target - live - starting) : 0;
        return new Decision(List.copyOf(retire), start);
    }
}
