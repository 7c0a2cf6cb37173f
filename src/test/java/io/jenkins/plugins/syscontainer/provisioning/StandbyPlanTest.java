package io.jenkins.plugins.syscontainer.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The standby pool's rules for one template, without Jenkins. */
class StandbyPlanTest {
    private static final Duration HOUR = Duration.ofHours(1);

    private static StandbyPlan.Member m(String name, String shape, int ageMinutes, boolean idle) {
        return new StandbyPlan.Member(name, shape, Duration.ofMinutes(ageMinutes), idle);
    }

    private static List<String> retired(StandbyPlan.Decision d) {
        return d.retire().stream().map(StandbyPlan.Retirement::agent).toList();
    }

    @Test
    void fillsUpToTheTargetCountingThoseStarting() {
        assertEquals(3, StandbyPlan.decide(3, "s", HOUR, List.of(), 0, true).start());
        assertEquals(1, StandbyPlan.decide(3, "s", HOUR, List.of(m("a", "s", 1, true)), 1, true).start());
        assertEquals(0, StandbyPlan.decide(2, "s", HOUR, List.of(m("a", "s", 1, true), m("b", "s", 2, true)), 0, true).start());
    }

    @Test
    void startsNothingWhileBuildsWaitOrAfterAFailure() {
        StandbyPlan.Decision d = StandbyPlan.decide(3, "s", HOUR, List.of(), 0, false);
        assertEquals(0, d.start());
        assertEquals(List.of(), d.retire());
    }

    @Test
    void idleAgentsFromOldSettingsOrTooOldAreReplaced() {
        StandbyPlan.Decision d = StandbyPlan.decide(2, "new", HOUR,
                List.of(m("stale", "old", 1, true), m("aged", "new", 61, true), m("fine", "new", 5, true)), 0, true);
        assertEquals(List.of("stale", "aged"), retired(d));
        assertEquals(1, d.start(), "one replacement: 'fine' stays");
        assertEquals("started from settings since changed", d.retire().get(0).why());
        assertEquals("standby for longer than 60 minutes", d.retire().get(1).why());
    }

    @Test
    void anAgentABuildIsGoingOntoIsNotRetired() {
        StandbyPlan.Decision d = StandbyPlan.decide(1, "new", HOUR, List.of(m("busy", "old", 90, false)), 0, true);
        assertEquals(List.of(), retired(d));
        assertEquals(0, d.start());
    }

    @Test
    void aSmallerPoolRetiresTheOldestIdleFirstAndNoPoolRetiresAll() {
        List<StandbyPlan.Member> three = List.of(m("young", "s", 1, true), m("old", "s", 30, true), m("mid", "s", 10, true));
        assertEquals(List.of("old"), retired(StandbyPlan.decide(2, "s", HOUR, three, 0, true)));
        assertEquals(List.of("old", "mid", "young"), retired(StandbyPlan.decide(0, null, HOUR, three, 0, true)));
        assertEquals(List.of("old", "mid"), retired(StandbyPlan.decide(2, "s", HOUR, three, 1, true)),
                "one more is starting already: two of the three go");
    }
}
