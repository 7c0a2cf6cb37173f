package io.jenkins.plugins.syscontainer.architecture;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's root directory, from the offline build (system property) or the real build (working directory). */
public final class ProjectRoot {
    private ProjectRoot() {
    }

    public static Path find() {
        String configured = System.getProperty("syscontainer.projectRoot");
        Path p = Path.of(configured != null ? configured : System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isDirectory(q.resolve("src/main/java/io/jenkins/plugins/syscontainer"))) {
                return q;
            }
        }
        return p;
    }
}
