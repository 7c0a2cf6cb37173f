package io.jenkins.plugins.syscontainer.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.syscontainer.engine.InboundAgentStart;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.testsupport.EngineFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The inbound agent start against a real engine. The Jenkins agent jar is not available here (it comes from the Jenkins
 * artifact repository), so a shell script stands in for {@code java}: it logs the arguments it got and the content
 * of its argument file. What is checked is ours: the process runs detached as the agent user, with the secret only in
 * a 0600 file, never in the container's config, an exec's command line or a process's command line.
 */
class InboundAgentStartDockerTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final List<String> FAKE_JAVA = List.of("sh", "-c",
            "echo \"ARGS: $*\"; for a; do case $a in @*) echo FILE:; cat \"${a#@}\";; esac; done; sleep 600",
            "fake-java");

    @Test
    void secretReachesTheAgentOnlyThroughAPrivateFile() throws Exception {
        try (EngineFixture fx = new EngineFixture()) {
            DockerAgent c = fx.engine.provision(fx.request("inbound", EngineFixture.agentSpec().build()),
                    ProvisioningEvent.Listener.NONE);
            InboundAgentStart.Paths paths = InboundAgentStart.Paths.under("/home/jenkins/agent");
            InboundAgentStart start = new InboundAgentStart(c.channel(), "jenkins", paths);
            List<String> cmd = InboundAgentStart.command(FAKE_JAVA, paths, "http://controller:8080/", "agent-1",
                    "/home/jenkins/agent");
            assertFalse(String.join(" ", cmd).contains(SECRET));

            long t0 = System.nanoTime();
            start.start(cmd, SECRET, Duration.ofSeconds(20));
            System.out.printf("inbound: secret written and agent process started in %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);

            String log = waitForLog(start, "FILE:");
            assertTrue(log.contains("ARGS: -jar /home/jenkins/agent/remoting.jar -url http://controller:8080/ -name agent-1"
                    + " -webSocket -noReconnect -workDir /home/jenkins/agent @/home/jenkins/agent/.agent-secret.args"), log);
            assertTrue(log.contains("FILE:\n-secret\n" + SECRET + "\n"), log);

            ContainerExec exec = new ContainerExec(c.host().api());
            assertEquals("600 jenkins", exec.run(c.containerId(), List.of("stat", "-c", "%a %U", paths.argsFile()),
                    Duration.ofSeconds(10)).stdout().strip());
            String ps = exec.run(c.containerId(), List.of("sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '"),
                    Duration.ofSeconds(10)).stdout();
            assertTrue(ps.contains("fake-java"), "the agent process is running: " + ps);
            assertFalse(ps.contains(SECRET), "no process command line holds the secret");
            assertEquals("jenkins", exec.run(c.containerId(), List.of("sh", "-c",
                    "for p in /proc/[0-9]*; do grep -q 'fake-jav[a]' $p/cmdline 2>/dev/null && stat -c %U $p && break; done"),
                    Duration.ofSeconds(10)).stdout().strip(), "the agent runs as the agent user");

            ObjectMapper json = new ObjectMapper();
            var inspect = fx.docker.inspectContainerCmd(c.containerId()).exec();
            List<String> seen = new ArrayList<>(List.of(json.writeValueAsString(inspect)));
            for (String execId : inspect.getExecIds() == null ? List.<String>of() : inspect.getExecIds()) {
                seen.add(json.writeValueAsString(fx.docker.inspectExecCmd(execId).exec()));
            }
            assertTrue(seen.size() > 1, "exec inspections were read");
            for (String s : seen) {
                assertFalse(s.contains(SECRET), "docker inspect shows the secret: " + s);
            }

            start.removeSecret(Duration.ofSeconds(10));
            assertEquals(1, exec.run(c.containerId(), List.of("test", "-e", paths.argsFile()), Duration.ofSeconds(10))
                    .exitCode(), "the secret file is removed once the agent is connected");

            String running = "for p in /proc/[0-9]*; do grep -q 'fake-jav[a]' $p/cmdline 2>/dev/null && echo ${p#/proc/}; done";
            String pid = exec.run(c.containerId(), List.of("cat", paths.pidFile()), Duration.ofSeconds(10)).stdout().strip();
            assertEquals(pid, exec.run(c.containerId(), List.of("sh", "-c", running), Duration.ofSeconds(10)).stdout().strip(),
                    "the pid file names the running agent process");
            long t1 = System.nanoTime();
            start.stop(Duration.ofSeconds(20));
            System.out.printf("inbound: earlier agent process stopped in %d ms%n", (System.nanoTime() - t1) / 1_000_000);
            assertEquals("", exec.run(c.containerId(), List.of("sh", "-c", running), Duration.ofSeconds(10)).stdout().strip(),
                    "stop ends the process");
            assertEquals(1, exec.run(c.containerId(), List.of("test", "-e", paths.pidFile()), Duration.ofSeconds(10))
                    .exitCode());
            start.stop(Duration.ofSeconds(20)); // nothing left to stop: a no-op
            fx.engine.terminate(c, false, ProvisioningEvent.Listener.NONE);
        }
    }

    @Test
    void onlyHexSecretsAreWritten() {
        assertThrows(IllegalArgumentException.class, () -> InboundAgentStart.secretArgs("abcdef0123456789\n-url"));
        assertThrows(IllegalArgumentException.class, () -> InboundAgentStart.secretArgs(null));
        assertEquals("-secret\n" + SECRET + "\n", new String(InboundAgentStart.secretArgs(SECRET),
                java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static String waitForLog(InboundAgentStart start, String marker) throws InterruptedException {
        String log = "";
        for (int i = 0; i < 100 && !log.contains(marker); i++) {
            Thread.sleep(100);
            log = start.logTail(20, Duration.ofSeconds(10));
        }
        return log;
    }
}
