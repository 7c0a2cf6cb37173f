package io.jenkins.plugins.syscontainer.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The jar's entry point, compiled for Java 8 so that any Java can load it: the tool itself needs Java 21 (as Jenkins
 * 2.555 does), and on an older Java it says so instead of failing with UnsupportedClassVersionError.
 */
public final class Launcher {
    static final int NEEDED = 21;

    private Launcher() {
    }

    public static void main(String[] args) throws Throwable {
        int feature = feature(System.getProperty("java.specification.version", "0"));
        if (feature < NEEDED) {
            System.err.println("system-container-agents-cli needs Java " + NEEDED + " or newer; this is Java "
                    + System.getProperty("java.version") + " (" + System.getProperty("java.home") + ").");
            System.err.println("Run it with a Java 21+ launcher, e.g. JAVA_HOME=/path/to/jdk-21 $JAVA_HOME/bin/java -jar ...");
            System.exit(2);
        }
        Method main = Class.forName("io.jenkins.plugins.syscontainer.engine.cli.EngineCli").getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** "1.8" is 8, "17" is 17. */
    static int feature(String spec) {
        try {
            return spec.startsWith("1.") ? Integer.parseInt(spec.substring(2)) : Integer.parseInt(spec.split("\\.")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
