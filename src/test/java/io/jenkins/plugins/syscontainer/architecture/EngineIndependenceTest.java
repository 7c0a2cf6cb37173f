package io.jenkins.plugins.syscontainer.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine package must not depend on Jenkins: no import of, and no fully qualified reference to, anything in
 * {@code hudson.*}, {@code jenkins.*}, {@code org.kohsuke.*} or {@code org.jenkinsci.*}.
 */
class EngineIndependenceTest {
    private static final Pattern FORBIDDEN =
            Pattern.compile("(?<![\\w.])(hudson|jenkins|org\\.kohsuke|org\\.jenkinsci)\\.[A-Za-z_]");
    private static final Pattern COMMENTS = Pattern.compile("//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern STRINGS = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"");

    static List<String> violations(String fileName, String source) {
        String code = STRINGS.matcher(COMMENTS.matcher(source).replaceAll(" ")).replaceAll("\"\"");
        List<String> found = new ArrayList<>();
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = FORBIDDEN.matcher(lines[i]);
            if (m.find()) {
                found.add(fileName + ":" + (i + 1) + ": " + lines[i].trim());
            }
        }
        return found;
    }

    @Test
    void engineSourcesDoNotReferenceJenkins() throws IOException {
        Path engine = ProjectRoot.find().resolve("src/main/java/io/jenkins/plugins/syscontainer/engine");
        assertTrue(Files.isDirectory(engine), "engine sources not found at " + engine);
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.walk(engine)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                files++;
                found.addAll(violations(engine.relativize(p).toString(), Files.readString(p)));
            }
        }
        assertTrue(files > 0, "no engine sources found under " + engine);
        assertEquals(List.of(), found, "the engine must not depend on Jenkins");
    }

    @Test
    void checkerCatchesImportsAndQualifiedNamesButNotOurOwnPackageOrComments() {
        assertEquals(1, violations("A.java", "import hudson.model.Node;\n").size());
        assertEquals(1, violations("A.java", "import static jenkins.model.Jenkins.get;\n").size());
        assertEquals(1, violations("A.java", "class A { org.kohsuke.stapler.StaplerRequest2 r; }").size());
        assertEquals(1, violations("A.java", "import org.jenkinsci.Symbol;").size());
        assertEquals(List.of(), violations("A.java", "package io.jenkins.plugins.syscontainer.engine;\n"
                + "// hudson.model.Node is not used\n/* jenkins.model.Jenkins */\n"
                + "String p = \"io.jenkins.syscontainer.cloud\"; String q = \"hudson.x\";\n"));
    }

}
