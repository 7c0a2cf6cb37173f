package io.jenkins.plugins.syscontainer.engine.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A throw-away volume whose removal failed when its agent was done (the host's engine restarting, or a container
 * still mounting it) is removed on a later try, not left to the reaper's grace period; one still mounted is never
 * forced. Logic only (a place that records calls); the Docker-backed tests and the chaos soak cover the real engine.
 */
class EphemeralVolumesTest {
    /** A place whose engine can be "down" (every call fails) and whose volumes can be "mounted" (removal refused). */
    static final class Place implements VolumeStore {
        final Set<String> volumes = new TreeSet<>();
        final Set<String> mounted = new TreeSet<>();
        boolean down;

        @Override
        public String place() {
            return "h1";
        }

        @Override
        public void create(String name, Map<String, String> labels) {
            volumes.add(name);
        }

        @Override
        public void cloneFrom(String golden, String target, SystemContainerSpec spec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean remove(String name) {
            if (down) {
                throw new IllegalStateException("connection refused");
            }
            if (mounted.contains(name)) {
                return false;
            }
            volumes.remove(name);
            return true;
        }

        @Override
        public List<String> users(String name) {
            return mounted.contains(name) ? List.of("c1") : List.of();
        }

        @Override
        public Map<String, Map<String, String>> list(Map<String, String> labels) {
            return Map.of();
        }

        @Override
        public Map<String, Long> sizes() throws IOException {
            return Map.of();
        }
    }

    private static ProvisionRequest request(String agent) {
        return new ProvisionRequest(new AgentIdentity("ctl", "cloud", "tpl", agent),
                SystemContainerSpec.builder("agent:1").build(), null, Duration.ofSeconds(60));
    }

    @Test
    void aRemovalThatFailedIsTriedAgainAndAMountedVolumeIsNeverForced() throws Exception {
        Place h = new Place();
        EphemeralVolumes ev = new EphemeralVolumes("ctl", Clock.systemUTC());
        List<VolumeLease> leases = new ArrayList<>();
        for (String a : List.of("a1", "a2", "a3")) {
            leases.add(ev.lease(h, request(a), false));
        }
        assertEquals(3, h.volumes.size());
        String stillMounted = leases.get(2).volumeName();
        h.mounted.add(stillMounted);
        h.down = true;
        leases.get(0).release(true); // the engine is restarting
        h.down = false;
        leases.get(1).release(true);
        leases.get(2).release(true); // a container left by a failed start still mounts it
        assertEquals(Set.of(leases.get(0).volumeName(), stillMounted), h.volumes, "two removals failed");
        assertEquals(List.of(stillMounted), ev.removeLeftovers(h), "the one the engine missed is removed now");
        assertEquals(Set.of(stillMounted), h.volumes, "the mounted one is not forced");
        h.mounted.clear();
        assertEquals(List.of(), ev.removeLeftovers(h));
        assertEquals(Set.of(), h.volumes);
        leases.get(0).release(true); // a second release does nothing
        assertEquals(List.of(), ev.removeLeftovers(h));
    }
}
