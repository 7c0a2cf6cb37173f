package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Sysbox isolates, asserted on an agent the engine provisioned under the real {@code sysbox-runc} (the test bed
 * runs Sysbox CE 0.7.0 built from source, {@code ../shared/sysbox}). Each check compares the agent's view with the
 * host's, which this test reads directly (it runs on the Docker host, as root in CI). Under the CI stand-in these
 * checks would fail, which is why they require the real runtime: skipped with the reason printed where it is absent,
 * failed when {@code SCA_REQUIRE_SYSBOX=1}.
 */
class IsolationDockerTest {
    private static EngineFixture fx;
    private static DockerAgent agent;
    private static ContainerExec exec;
    private static InspectContainerResponse inspect;

    @BeforeAll
    static void provision() throws Exception {
        DockerTestSupport.requireRealSysbox();
        fx = new EngineFixture();
        agent = fx.engine.provision(fx.request("isolation", EngineFixture.agentSpec().build()),
                ProvisioningEvent.Listener.NONE);
        exec = new ContainerExec(fx.docker);
        inspect = fx.docker.inspectContainerCmd(agent.containerId()).exec();
    }

    @AfterAll
    static void terminate() throws Exception {
        if (fx != null) {
            if (agent != null) {
                fx.engine.terminate(agent, false, ProvisioningEvent.Listener.NONE);
            }
            fx.close();
        }
    }

    private static String in(String script) throws InterruptedException {
        ExecResult r = exec.run(agent.containerId(), List.of("sh", "-c", script), Duration.ofSeconds(120));
        assertTrue(r.ok(), "in the agent: " + script + " -> " + r);
        return r.stdout().strip();
    }

    /** The host uid a host process runs as (its real uid, from /proc/PID/status). */
    private static long hostUid(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Uid:")) {
                return Long.parseLong(line.split("\\s+")[1]);
            }
        }
        throw new AssertionError("no Uid line for pid " + pid);
    }

    @Test
    void containerRootIsAnUnprivilegedHostUid() throws Exception {
        String[] map = in("head -n 1 /proc/self/uid_map").split("\\s+");
        System.out.println("agent uid_map: " + String.join(" ", map));
        assertEquals("0", map[0], "the map starts at container root");
        long hostStart = Long.parseLong(map[1]);
        assertNotEquals(0, hostStart, "uid_map is the identity: container root is host root");
        assertEquals("65536", map[2], "Sysbox CE maps a range of 65536 ids");
        assertEquals("root", in("id -un"), "the agent's processes run as root inside");
        long pid = inspect.getState().getPidLong();
        long uid = hostUid(pid);
        System.out.println("agent init: host pid " + pid + " runs as host uid " + uid);
        assertEquals(hostStart, uid, "the agent's init, root inside, is this unprivileged uid on the host");
        assertTrue(uid >= 65536, "host uid " + uid + " is not in the subordinate range");
    }

    @Test
    void theAgentSeesNeitherHostProcessesNorTheHostsDocker() throws Exception {
        String cmdlines = in("for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < \"$f\"; echo; done");
        long inside = cmdlines.lines().filter(l -> !l.isBlank()).count();
        long onHost;
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            onHost = s.filter(p -> p.getFileName().toString().matches("\\d+")).count();
        }
        System.out.println("processes: " + inside + " in the agent, " + onHost + " on the host");
        assertTrue(inside < onHost, "the agent sees " + inside + " processes, the host has " + onHost);
        for (String hostOnly : List.of("sysbox-mgr", "sysbox-fs", "surefire")) {
            assertFalse(cmdlines.contains(hostOnly), "a host process (" + hostOnly + ") is visible in the agent:\n" + cmdlines);
        }
        assertFalse(in("cat /proc/self/mountinfo").contains("docker.sock"), "a docker.sock is mounted into the agent");
        String innerId = in("docker info --format '{{.ID}}'");
        String hostId = fx.docker.infoCmd().exec().getId();
        assertNotEquals(hostId, innerId, "the agent's /var/run/docker.sock is the host's Docker");
        assertFalse(in("docker ps -a --no-trunc --format '{{.ID}}'").contains(agent.containerId()),
                "the agent's Docker lists the agent's own container: it is the host's Docker");
    }

    @Test
    void aPrivilegedInnerContainerSeesTheAgentsDevicesNotTheHosts() throws Exception {
        EngineFixture.loadTinyImage(fx.docker, agent.containerId());
        String innerDev = in("docker run --rm --privileged " + DockerTestSupport.TINY_IMAGE + " ls /dev");
        List<String> hostDev;
        try (Stream<Path> s = Files.list(Path.of("/dev"))) {
            hostDev = s.map(p -> p.getFileName().toString()).toList();
        }
        List<String> blockDevices = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/sys/block"))) {
            s.map(p -> p.getFileName().toString()).filter(hostDev::contains).forEach(blockDevices::add);
        }
        List<String> inner = innerDev.lines().map(String::strip).toList();
        System.out.println("devices: " + inner.size() + " in a privileged inner container, " + hostDev.size()
                + " on the host; host block devices " + blockDevices);
        assertTrue(inner.size() < hostDev.size(), "inner --privileged sees " + inner.size() + " devices, host has " + hostDev.size());
        assertFalse(blockDevices.isEmpty(), "the host has no block device to compare with");
        for (String b : blockDevices) {
            assertFalse(inner.contains(b), "host block device /dev/" + b + " is visible in a privileged inner container");
        }
    }

    @Test
    void procIsVirtualisedUptimeIsTheAgents() throws Exception {
        double inside = Double.parseDouble(in("cut -d' ' -f1 /proc/uptime"));
        double host = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split("\\s+")[0]);
        double sinceStart = Duration.between(Instant.parse(inspect.getState().getStartedAt()), Instant.now()).toMillis() / 1000.0;
        System.out.printf("uptime: %.1f s in the agent, %.1f s on the host, %.1f s since the container started%n",
                inside, host, sinceStart);
        assertTrue(inside <= sinceStart + 5, "the agent's uptime " + inside + " s is longer than its life " + sinceStart + " s");
        assertTrue(host > sinceStart + 5 ? inside < host : inside <= host,
                "the agent's /proc/uptime is the host's (" + inside + " vs " + host + ")");
    }

    /**
     * Sysbox ID-maps the cache volume: what container root writes lands on the host disk owned by host root (measured
     * here, printed), although the writer runs as an unprivileged host uid. What keeps such a file (say, a setuid
     * binary a build planted) from host users is that no unprivileged host user can reach the volume: Docker's data
     * root is closed to "other". Asserted: the writer's host uid is not root, the file is the one in the volume, and
     * some directory the host's dockerd owns between it and / (not the volume's _data, which the agent may chmod)
     * denies traversal to users other than root.
     */
    @Test
    void cacheVolumeFilesAreOutOfReachOfUnprivilegedHostUsers() throws Exception {
        assertNotNull(agent.cacheVolume(), "the agent has no cache volume");
        in("echo isolation-probe > /var/lib/docker/isolation-probe && chmod 4755 /var/lib/docker/isolation-probe");
        String mountpoint = fx.docker.inspectVolumeCmd(agent.cacheVolume()).exec().getMountpoint();
        Path probe = Path.of(mountpoint, "isolation-probe");
        assertEquals("isolation-probe", Files.readString(probe).strip(), "the file is not in the cache volume");
        Object owner = Files.getAttribute(probe, "unix:uid");
        long writer = hostUid(inspect.getState().getPidLong());
        System.out.println("cache volume file " + probe + ": on-disk owner uid " + owner + ", mode "
                + Integer.toOctalString((Integer) Files.getAttribute(probe, "unix:mode") & 07777)
                + "; written by a process that is host uid " + writer);
        assertNotEquals(0L, writer, "the writer is host root");
        // From the volume's own directory up: the volume's _data and everything below it are the agent's to chmod.
        Path closed = null;
        for (Path p = Path.of(mountpoint).getParent(); p != null; p = p.getParent()) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            int gid = (Integer) Files.getAttribute(p, "unix:gid");
            if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE) && gid == 0
                    && (Integer) Files.getAttribute(p, "unix:uid") == 0) {
                closed = p;
                break;
            }
        }
        assertNotNull(closed, "every directory from " + probe + " to / lets other users through");
        System.out.println("closed to other users at " + closed + " (" + permissions(closed) + ")");
    }

    private static String permissions(Path p) throws Exception {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** The full list of refusals is PolicyRefusalDockerTest's; here: they hold beside a real Sysbox agent. */
    @Test
    void policyRefusalsHoldUnderTheRealRuntime() {
        for (SystemContainerSpec.Builder bad : List.of(
                EngineFixture.agentSpec().privileged(true),
                EngineFixture.agentSpec().namespaceMode("pid", "host"),
                EngineFixture.agentSpec().bind("/var/run/docker.sock:/var/run/docker.sock"),
                EngineFixture.agentSpec().runtime(DockerTestSupport.STANDIN_RUNTIME))) {
            ProvisioningException e = assertThrows(ProvisioningException.class,
                    () -> fx.engine.provision(fx.request("refused", bad.build()), ProvisioningEvent.Listener.NONE));
            assertEquals(FailureKind.BAD_TEMPLATE, e.kind(), e.getMessage());
        }
        assertEquals(1, fx.containers().size(), "a refused spec created a container");
    }
}
