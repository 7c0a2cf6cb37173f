package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.architecture.ProjectRoot;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The JCasC example in the docs uses only properties that exist: every key under {@code systemContainer}, a host or a
 * template is a {@code @DataBoundConstructor} parameter or has a {@code @DataBoundSetter}. (The full import/export
 * round trip needs a running Jenkins and belongs to the real build's JenkinsRule tests.)
 */
class JcascExampleTest {
    private static final Pattern KEY = Pattern.compile("^(\\s*)(- )?([A-Za-z]+):");

    static Map<String, List<String>> keysByClass(List<String> yaml) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String section = null;
        int sectionIndent = -1;
        int cloudIndent = -1;
        int blockIndent = -1; // inside a block scalar (key: |) every deeper line is text, not keys
        for (String line : yaml) {
            int lead = line.length() - line.stripLeading().length();
            if (blockIndent >= 0 && (line.isBlank() || lead > blockIndent)) {
                continue;
            }
            blockIndent = -1;
            Matcher m = KEY.matcher(line);
            if (!m.find() || line.strip().startsWith("#")) {
                continue;
            }
            int indent = m.group(1).length() + (m.group(2) == null ? 0 : 2);
            if (line.strip().endsWith("|") || line.strip().endsWith(">")) {
                blockIndent = indent;
            }
            String key = m.group(3);
            if (key.equals("systemContainer")) {
                cloudIndent = indent;
                section = "cloud";
                continue;
            }
            if (cloudIndent < 0 || indent <= cloudIndent) {
                continue;
            }
            if (section != null && !section.equals("cloud") && indent <= sectionIndent) {
                section = "cloud";
            }
            if (section.equals("cloud") && (key.equals("hosts") || key.equals("templates"))) {
                out.computeIfAbsent("cloud", k -> new ArrayList<>()).add(key);
                section = key;
                sectionIndent = indent;
                continue;
            }
            out.computeIfAbsent(section, k -> new ArrayList<>()).add(key);
        }
        return out;
    }

    static boolean bindable(Class<?> type, String key) throws Exception {
        // The @DataBoundConstructor parameters: name (all three), uri (hosts).
        boolean ctorKey = key.equals("name") || (type == DockerHostEntry.class && key.equals("uri"));
        for (Constructor<?> c : type.getConstructors()) {
            if (ctorKey && c.isAnnotationPresent(DataBoundConstructor.class)) {
                return true;
            }
        }
        for (Method m : type.getMethods()) {
            if (m.getName().equals("set" + Character.toUpperCase(key.charAt(0)) + key.substring(1))
                    && m.isAnnotationPresent(DataBoundSetter.class)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyKeyOfTheDocsExampleIsAProperty() throws Exception {
        Path root = io.jenkins.plugins.syscontainer.architecture.ProjectRoot.find();
        Map<String, List<String>> keys = keysByClass(Files.readAllLines(root.resolve("docs/examples/jcasc-two-hosts.yaml")));
        assertEquals(List.of("cloud", "hosts", "templates"), new ArrayList<>(keys.keySet()));
        Map<String, Class<?>> types = Map.of("cloud", SystemContainerCloud.class, "hosts", DockerHostEntry.class,
                "templates", AgentTemplate.class);
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : keys.entrySet()) {
            for (String key : e.getValue()) {
                if (!key.equals("hosts") && !key.equals("templates") && !bindable(types.get(e.getKey()), key)) {
                    unknown.add(e.getKey() + "." + key);
                }
            }
        }
        assertEquals(List.of(), unknown, "keys in the JCasC example that no property binds");
        assertTrue(keys.get("templates").contains("cacheKey") && keys.get("hosts").contains("credentialsId"));
    }

    @Test
    void theWalkerCanFail() throws Exception {
        Map<String, List<String>> keys = keysByClass(List.of("jenkins:", "  clouds:", "    - systemContainer:",
                "        name: x", "        hosts:", "          - name: h", "            bogusKey: 1", "            env: |",
                "              notAKey: 1", "        maxAgents: 3"));
        assertEquals(List.of("name", "hosts", "maxAgents"), keys.get("cloud"));
        assertEquals(List.of("name", "bogusKey", "env"), keys.get("hosts"));
        assertTrue(!bindable(DockerHostEntry.class, "bogusKey") && bindable(DockerHostEntry.class, "maxAgents"));
    }
}
