package io.jenkins.plugins.syscontainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kohsuke.args4j.CmdLineParser;
import org.kohsuke.args4j.Option;

/**
 * The secret's argument file is read the way the Jenkins agent reads its command line: remoting parses it with args4j
 * 2.37 (shaded into the agent jar; in the real build it also comes with jenkins-core), whose parser expands an
 * {@code @file} argument into the file's lines. The options below are declared as remoting's Launcher declares them.
 */
class InboundSecretFileTest {
    static final class AgentOptions {
        @Option(name = "-secret")
        String secret;

        @Option(name = "-name")
        String name;

        @Option(name = "-url")
        List<String> urls = new ArrayList<>();

        @Option(name = "-webSocket")
        boolean webSocket;

        @Option(name = "-noReconnect")
        boolean noReconnect;

        @Option(name = "-workDir")
        String workDir;
    }

    @Test
    void agentParserReadsTheSecretFromTheArgumentFile(@TempDir Path dir) throws Exception {
        String secret = "89abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567";
        InboundAgentStart.Paths paths = new InboundAgentStart.Paths("/x/remoting.jar",
                dir.resolve("secret.args").toString(), "/x/log", "/x/pid");
        Files.write(Path.of(paths.argsFile()), InboundAgentStart.secretArgs(secret));
        List<String> cmd = InboundAgentStart.command(List.of("java"), paths, "https://ci.example.com/", "agent-7",
                "/home/jenkins/agent");
        assertEquals(List.of("java", "-jar", "/x/remoting.jar"), cmd.subList(0, 3));

        AgentOptions o = new AgentOptions();
        new CmdLineParser(o).parseArgument(cmd.subList(3, cmd.size()));
        assertEquals(secret, o.secret);
        assertEquals("agent-7", o.name);
        assertEquals(List.of("https://ci.example.com/"), o.urls);
        assertTrue(o.webSocket);
        assertTrue(o.noReconnect);
        assertEquals("/home/jenkins/agent", o.workDir);
    }
}
