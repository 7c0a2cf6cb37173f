package io.jenkins.plugins.syscontainer.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.engine.FailureKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CliArgsTest {
    @Test
    void optionsRepeatsFlagsAndTheCommand() throws Exception {
        CliArgs a = new CliArgs(List.of("--image", "x:1", "--load", "a", "--load=b", "--json", "--memory", "2g", "--",
                "docker", "--version"), Set.of("image", "load", "memory"), Set.of("json"));
        assertEquals("x:1", a.get("image", null));
        assertEquals(List.of("a", "b"), a.all("load"));
        assertTrue(a.flag("json"));
        assertEquals(2L << 30, a.bytes("memory", 0));
        assertEquals(List.of("docker", "--version"), a.rest());
    }

    @Test
    void usageErrorsNameTheOption() {
        assertTrue(assertThrows(CliArgs.UsageException.class,
                () -> new CliArgs(List.of("--nope", "1"), Set.of(), Set.of())).getMessage().contains("--nope"));
        assertTrue(assertThrows(CliArgs.UsageException.class,
                () -> new CliArgs(List.of("--image"), Set.of("image"), Set.of())).getMessage().contains("needs a value"));
        assertThrows(CliArgs.UsageException.class,
                () -> new CliArgs(List.of("--pids", "many"), Set.of("pids"), Set.of()).number("pids", 1));
        assertThrows(CliArgs.UsageException.class,
                () -> new CliArgs(List.of("--memory", "lots"), Set.of("memory"), Set.of()).bytes("memory", 1));
    }

    @Test
    void noArgumentsPrintsUsageWithExitCodeTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(2, new EngineCli(new PrintStream(out), new PrintStream(new ByteArrayOutputStream())).execute(List.of()));
        assertTrue(out.toString().contains("exit codes:"));
        assertEquals(3, EngineCli.exitCode(io.jenkins.plugins.syscontainer.engine.FailureKind.BAD_TEMPLATE));
        assertEquals(8, EngineCli.exitCode(io.jenkins.plugins.syscontainer.engine.FailureKind.UNKNOWN));
    }
}
