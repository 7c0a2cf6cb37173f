package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeLease;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeProvider;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeStore;
import io.jenkins.plugins.syscontainer.testsupport.MutableClock;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostSchedulerTest {
    private final MutableClock clock = new MutableClock();

    private ManagedHost host(String name, int max) {
        return new ManagedHost(DockerHost.of(name, URI.create("tcp://" + name + ":2376"), null).withMaxAgents(max), clock);
    }

    private static VolumeProvider idle(Map<String, Integer> idleByHost) {
        return new VolumeProvider() {
            @Override
            public VolumeLease lease(VolumeStore host, ProvisionRequest req, boolean forceFresh) {
                throw new AssertionError("the scheduler must not lease");
            }

            @Override
            public int idleVolumes(String hostName, String cacheKey) {
                return "maven".equals(cacheKey) ? idleByHost.getOrDefault(hostName, 0) : 0;
            }
        };
    }

    private static List<String> names(HostScheduler.Plan p) {
        return p.candidates().stream().map(ManagedHost::name).toList();
    }

    @Test
    void prefersAWarmCacheThenFreeCapacityAndSkipsFullOrUnhealthyHosts() {
        ManagedHost a = host("a", 4);
        ManagedHost b = host("b", 4);
        ManagedHost c = host("c", 1);
        ManagedHost d = host("d", 8);
        b.tryReserve("x1");
        c.tryReserve("x2"); // full
        d.health().markFailure("connection refused");
        HostScheduler s = new HostScheduler(idle(Map.of("b", 1, "c", 3)));

        HostScheduler.Plan cold = s.plan(List.of(a, b, c, d), "gradle");
        assertEquals(List.of("a", "b"), names(cold), "most free slots first");
        HostScheduler.Plan warm = s.plan(List.of(a, b, c, d), "maven");
        assertEquals(List.of("b", "a"), names(warm), "the host with an idle cache first, even if busier");
        assertEquals(2, warm.excluded().size());
        assertTrue(warm.excluded().get(0).contains("'c' is full"), warm.excluded().toString());
        assertTrue(warm.excluded().get(1).contains("'d' is unhealthy"), warm.excluded().toString());

        clock.advance(java.time.Duration.ofSeconds(5));
        assertEquals(List.of("d", "a", "b"), names(s.plan(List.of(a, b, c, d), null)), "d recovered by itself");
    }

    @Test
    void capacityComesFromLiveReservationsAndCannotLeak() {
        ManagedHost a = host("a", 2);
        assertTrue(a.tryReserve("one"));
        assertTrue(a.tryReserve("one"), "idempotent per agent");
        assertTrue(a.tryReserve("two"));
        assertEquals(false, a.tryReserve("three"));
        a.release("one");
        a.release("one");
        assertEquals(1, a.activeAgents());
        assertTrue(a.tryReserve("three"));
        assertEquals("no Docker hosts are configured", new HostScheduler(idle(Map.of())).plan(List.of(), null).explainEmpty());
    }
}
