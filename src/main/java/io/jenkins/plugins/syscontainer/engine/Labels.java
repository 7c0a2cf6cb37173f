package io.jenkins.plugins.syscontainer.engine;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Docker labels on everything the engine creates. They are how the reaper recognises our containers and how
 * leases are rebuilt after a controller restart, so they never carry secrets.
 */
public final class Labels {
    public static final String PREFIX = "io.jenkins.syscontainer.";
    public static final String CONTROLLER = PREFIX + "controller";
    public static final String CLOUD = PREFIX + "cloud";
    public static final String TEMPLATE = PREFIX + "template";
    public static final String AGENT = PREFIX + "agent";
    public static final String CACHE_VOLUME = PREFIX + "cache-volume";
    public static final String CACHE_KEY = PREFIX + "cache-key";
    public static final String CREATED_AT = PREFIX + "created-at";
    /** What a labelled object is for: {@code agent}, {@code probe}, {@code cache}, {@code helper}. */
    public static final String ROLE = PREFIX + "role";

    /** Docker's recommended label key syntax: lowercase alphanumerics, dots and dashes, not starting/ending with a separator. */
    private static final Pattern KEY = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,253}[a-z0-9])?");

    private Labels() {
    }

    /** The labels of an agent container. */
    public static Map<String, String> forAgent(AgentIdentity id, String cacheVolume, Instant createdAt) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ROLE, "agent");
        m.put(CONTROLLER, id.controllerId());
        m.put(CLOUD, id.cloud());
        m.put(TEMPLATE, id.template());
        m.put(AGENT, id.agentName());
        if (cacheVolume != null) {
            m.put(CACHE_VOLUME, cacheVolume);
        }
        m.put(CREATED_AT, createdAt.toString());
        return m;
    }

    /** Whether {@code key} is a label key a template may set: well-formed and outside our reserved prefix. */
    static String checkUserKey(String key) {
        if (key == null || key.isEmpty()) {
            return "must not be empty";
        }
        if (key.startsWith(PREFIX) || key.startsWith("com.docker.") || key.startsWith("io.docker.")
                || key.startsWith("org.dockerproject.")) {
            return "the prefix is reserved (" + PREFIX + " is the plugin's own; com.docker., io.docker. and "
                    + "org.dockerproject. are Docker's)";
        }
        if (!KEY.matcher(key).matches()) {
            return "must be lowercase letters, digits, '.' and '-', starting and ending with a letter or digit";
        }
        return null;
    }
}
