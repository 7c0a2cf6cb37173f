package io.jenkins.plugins.syscontainer;

import io.jenkins.plugins.syscontainer.engine.ImageReference;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks of template fields that need no Jenkins: used by the form validation of the UI and again when a template
 * (or a pipeline's ad-hoc template) is turned into an engine request, so a bad value fails fast with the field named.
 * Each method returns null when the value is fine, otherwise the problem in words.
 */
public final class TemplateValidation {
    public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,40}");
    static final Pattern CACHE_KEY = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

    private TemplateValidation() {
    }

    public static String name(String v) {
        return v != null && NAME.matcher(v).matches() ? null
                : "must be 1-41 letters, digits, '_', '.' or '-', starting with a letter or digit (it is part of agent names)";
    }

    public static String image(String v) {
        String p = ImageReference.problem(v);
        return p == null ? null : "not a valid image reference: it " + p;
    }

    public static String memoryMb(long v) {
        return v >= 256 && v <= 1_048_576 ? null : "must be between 256 MiB (an inner dockerd needs it) and 1048576 MiB";
    }

    public static String cpus(double v) {
        return v >= SecurityPolicy.MIN_CPUS && v <= SecurityPolicy.MAX_CPUS ? null
                : "must be at least " + SecurityPolicy.MIN_CPUS + " (below it Docker sets no CPU limit at all) and at most 256";
    }

    public static String pidsLimit(long v) {
        return v >= 256 && v <= 4_194_304 ? null : "must be between 256 and 4194304";
    }

    public static String cacheKey(String v) {
        return v == null || v.isBlank() || CACHE_KEY.matcher(v.strip()).matches() ? null
                : "must be 1-64 letters, digits, '_', '.' or '-' (it is part of volume names; no control characters);"
                        + " empty: the template name; 'none': no cache";
    }

    public static String seconds(long v, long min, long max) {
        return v >= min && v <= max ? null : "must be between " + min + " and " + max + " seconds";
    }

    public static String range(long v, long min, long max) {
        return v >= min && v <= max ? null : "must be between " + min + " and " + max;
    }

    /** An existing Docker volume's name, or empty for none. */
    public static String volumeName(String v) {
        return v == null || v.isBlank() || CACHE_KEY.matcher(v.trim()).matches() ? null
                : "must be a Docker volume name: 1-64 letters, digits, '_', '.' or '-'";
    }

    public static String pullPolicy(String v) {
        return v == null || v.isBlank() || List.of(AgentTemplate.PULL_IF_MISSING, AgentTemplate.PULL_ALWAYS,
                AgentTemplate.PULL_NEVER).contains(v.trim()) ? null : "must be 'ifMissing', 'always' or 'never'";
    }

    public static String launchMethod(String v) {
        return v == null || v.isBlank() || AgentTemplate.LAUNCH_ATTACH.equals(v.trim())
                || AgentTemplate.LAUNCH_INBOUND_WEBSOCKET.equals(v.trim()) ? null
                : "must be '" + AgentTemplate.LAUNCH_ATTACH + "' or '" + AgentTemplate.LAUNCH_INBOUND_WEBSOCKET + "'";
    }

    /**
     * Refuses a value that can never work, naming the field (a form, configuration as code, a pipeline argument).
     * Settings saved by an earlier version are read without setters; {@link AgentTemplate#problem()} reports theirs.
     */
    public static void require(String field, String problem) {
        if (problem != null) {
            throw new IllegalArgumentException("field '" + field + "': " + problem);
        }
    }

    public static String nonNegative(long v) {
        return v >= 0 ? null : "must not be negative";
    }

    public static String preloadImages(String lines) {
        for (String image : lines(lines)) {
            String p = image(image);
            if (p != null) {
                return "'" + image + "' is " + p;
            }
        }
        return null;
    }

    /**
     * Image patterns for pipelines, one per line: an image reference in which '*' may stand for any run of characters
     * (checked with each '*' replaced by a name component); a lone '*' would hand pipelines every image on the host.
     */
    public static String imagePatterns(String lines) {
        for (String pattern : lines(lines)) {
            if (pattern.chars().allMatch(c -> c == '*' || c == '/' || c == ':')) {
                return "'" + pattern + "' would let pipelines choose any image; name a registry or a repository";
            }
            String p = image(pattern.replace("*", "x"));
            if (p != null) {
                return "'" + pattern + "' is " + p;
            }
        }
        return null;
    }

    /** KEY=VALUE per line; blank lines and lines starting with # are skipped. */
    public static Map<String, String> env(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        String[] ls = text == null ? new String[0] : text.split("\\R");
        for (int i = 0; i < ls.length; i++) {
            String line = ls[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("line " + (i + 1) + " '" + line + "' is not KEY=VALUE");
            }
            env.put(line.substring(0, eq).strip(), line.substring(eq + 1));
        }
        return env;
    }

    public static String envProblem(String text) {
        try {
            env(text);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Non-empty, trimmed lines. */
    public static List<String> lines(String text) {
        return text == null ? List.of() : text.lines().map(String::strip).filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
    }
}
