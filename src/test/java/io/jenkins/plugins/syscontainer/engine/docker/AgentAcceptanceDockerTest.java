package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What users do with Docker inside an agent, under the real Sysbox: BuildKit builds and their cache, Compose, user
 * networks with name resolution, published ports, an inner privileged container, swarm, and what survives into the
 * next agent of the same cache key. No registry is reachable: images come from the host through the cache's preload
 * (the tiny busybox image, {@code docker load}). Each check is a real command whose output is asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentAcceptanceDockerTest {
    private static final String BUSYBOX = DockerTestSupport.TINY_IMAGE;
    private static EngineFixture fx;
    private static DockerAgent agent;
    private static String cacheKey;

    @BeforeAll
    static void provision() throws Exception {
        DockerTestSupport.requireRealSysbox();
        fx = new EngineFixture();
        cacheKey = "acceptance-" + fx.controllerId.substring(5);
        agent = provisionOnCache();
    }

    private static DockerAgent provisionOnCache() throws Exception {
        ProvisionRequest req = new ProvisionRequest(fx.identity("accept"), EngineFixture.agentSpec().build(), cacheKey,
                CacheSettings.DEFAULTS.withPreload(List.of(BUSYBOX)), Duration.ofSeconds(90), null);
        return fx.engine.provision(req, ProvisioningEvent.Listener.NONE);
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

    /** Runs a shell script in the agent as its jenkins user would; returns stdout, failing with both streams. */
    private static String sh(String script) throws InterruptedException {
        ExecResult r = new ContainerExec(fx.docker).run(agent.containerId(), List.of("bash", "-ec", script),
                Duration.ofMinutes(4));
        assertEquals(0, r.exitCode(), "in the agent:\n" + script + "\n--- stdout\n" + r.stdout() + "\n--- stderr\n" + r.stderr());
        return r.stdout().strip();
    }

    @Test
    @Order(1)
    void buildKitIsTheBuilderAndItsCacheIsUsedOnTheSecondBuild() throws Exception {
        String ctx = "mkdir -p /tmp/app && cd /tmp/app && printf 'FROM " + BUSYBOX + "\\nRUN echo layer-one > /one\\n"
                + "RUN sleep 2 && echo layer-two > /two\\nCMD [\"cat\", \"/one\", \"/two\"]\\n' > Dockerfile && ";
        String first = sh(ctx + "docker build --progress=plain -t acceptance/app:1 . 2>&1");
        assertTrue(first.contains("#1 [internal] load build definition from Dockerfile"),
                "not a BuildKit build (the legacy builder prints 'Step 1/'):\n" + first);
        long t = System.nanoTime();
        String second = sh(ctx + "docker build --progress=plain -t acceptance/app:1 . 2>&1");
        System.out.println("second BuildKit build in the same agent: " + (System.nanoTime() - t) / 1_000_000 + " ms");
        assertTrue(second.contains("CACHED"), "the second build used no cache:\n" + second);
        assertEquals("layer-one\nlayer-two", sh("docker run --rm acceptance/app:1"));
        String buildkitDir = sh("ls -d /var/lib/docker/buildkit && grep ' /var/lib/docker ' /proc/self/mountinfo | wc -l");
        assertTrue(buildkitDir.startsWith("/var/lib/docker/buildkit\n1"), "BuildKit's cache is not in the cache volume: " + buildkitDir);
    }

    @Test
    @Order(2)
    void composeBringsUpTwoServicesWithANetworkAndAVolume() throws Exception {
        String project = "mkdir -p /tmp/compose && cd /tmp/compose && cat > compose.yaml <<'EOF'\n"
                + "services:\n"
                + "  web:\n"
                + "    image: " + BUSYBOX + "\n"
                + "    command: [\"sh\", \"-c\", \"echo served-by-web > /srv/index.html && busybox httpd -f -p 8080 -h /srv\"]\n"
                + "    volumes: [\"data:/srv\"]\n"
                + "    networks: [backend]\n"
                + "  client:\n"
                + "    image: " + BUSYBOX + "\n"
                + "    command: [\"sh\", \"-c\", \"sleep 3600\"]\n"
                + "    networks: [backend]\n"
                + "networks:\n"
                + "  backend: {}\n"
                + "volumes:\n"
                + "  data: {}\n"
                + "EOF\n";
        sh(project + "docker compose up -d --wait 2>&1 || docker compose up -d 2>&1");
        String got = sh("cd /tmp/compose && for i in $(seq 50); do docker compose exec -T client busybox wget -qO- "
                + "http://web:8080/index.html && break; sleep 0.2; done");
        assertEquals("served-by-web", got);
        String volumes = sh("docker volume ls --format '{{.Name}}'");
        assertTrue(volumes.contains("compose_data"), volumes);
        String networks = sh("docker network ls --format '{{.Name}}'");
        assertTrue(networks.contains("compose_backend"), networks);
        sh("cd /tmp/compose && docker compose down -v 2>&1");
    }

    @Test
    @Order(3)
    void userNetworksResolveNamesAndPublishedPortsAnswer() throws Exception {
        sh("docker network create accept-net >/dev/null && docker run -d --name named --network accept-net -p 18080:8080 "
                + BUSYBOX + " sh -c 'echo by-name > /i.html && busybox httpd -f -p 8080 -h /' >/dev/null");
        String byName = sh("for i in $(seq 50); do docker run --rm --network accept-net " + BUSYBOX
                + " busybox wget -qO- http://named:8080/i.html && break; sleep 0.2; done");
        assertEquals("by-name", byName);
        String published = sh("for i in $(seq 50); do curl -fsS http://127.0.0.1:18080/i.html && break; sleep 0.2; done");
        assertEquals("by-name", published, "the port published by the inner Docker does not answer inside the agent");
        sh("docker rm -f named >/dev/null && docker network rm accept-net >/dev/null");
    }

    @Test
    @Order(4)
    void aPrivilegedInnerContainerWorksAndSeesOnlyTheAgentsDevices() throws Exception {
        String privileged = sh("docker run --rm --privileged " + BUSYBOX + " sh -c 'ls /dev | wc -l; grep CapEff /proc/self/status'");
        String plain = sh("docker run --rm " + BUSYBOX + " sh -c 'ls /dev | wc -l; grep CapEff /proc/self/status'");
        String[] p = privileged.split("\n");
        String[] q = plain.split("\n");
        int devices = Integer.parseInt(p[0].strip());
        int privCaps = Long.bitCount(Long.parseLong(p[1].replaceAll(".*:\\s*", ""), 16));
        int plainCaps = Long.bitCount(Long.parseLong(q[1].replaceAll(".*:\\s*", ""), 16));
        System.out.println("inner --privileged: " + devices + " devices, " + privCaps + " capabilities (plain inner container: "
                + q[0].strip() + " devices, " + plainCaps + " capabilities)");
        assertTrue(privCaps > plainCaps, "--privileged inside the agent gave no more capabilities: " + p[1] + " vs " + q[1]);
        assertTrue(devices > Integer.parseInt(q[0].strip()), "--privileged inside the agent added no devices");
        assertTrue(devices < 40, "a privileged inner container sees " + devices + " devices: the host's?");
    }

    @Test
    @Order(5)
    void swarmInitAndAServiceRun() throws Exception {
        sh("docker swarm init --advertise-addr 127.0.0.1 >/dev/null 2>&1 || docker swarm init >/dev/null");
        try {
            sh("docker service create --detach --name accept-svc --replicas 2 " + BUSYBOX + " sleep 3600 >/dev/null");
            String running = sh("for i in $(seq 150); do n=$(docker service ps accept-svc --filter desired-state=running "
                    + "--format '{{.CurrentState}}' | grep -c '^Running' || true); [ \"$n\" = 2 ] && break; sleep 0.2; done; echo $n");
            assertEquals("2", running, "swarm service replicas running");
        } finally {
            sh("docker swarm leave --force >/dev/null 2>&1 || true");
        }
    }

    /** Images and BuildKit's cache outlive the agent: the next agent of the same cache key builds from cache. */
    @Test
    @Order(6)
    void imagesAndBuildCacheSurviveIntoTheNextAgent() throws Exception {
        fx.engine.terminate(agent, false, ProvisioningEvent.Listener.NONE);
        agent = null;
        agent = provisionOnCache();
        assertTrue(sh("docker image ls --format '{{.Repository}}:{{.Tag}}'").contains("acceptance/app:1"),
                "the image built by the previous agent is gone");
        String rebuild = sh("cd /tmp && mkdir -p app && cd app && printf 'FROM " + BUSYBOX + "\\nRUN echo layer-one > /one\\n"
                + "RUN sleep 2 && echo layer-two > /two\\nCMD [\"cat\", \"/one\", \"/two\"]\\n' > Dockerfile && "
                + "docker build --progress=plain -t acceptance/app:2 . 2>&1");
        assertTrue(rebuild.contains("CACHED"), "BuildKit's cache did not survive into the next agent:\n" + rebuild);
    }
}
