package io.jenkins.plugins.syscontainer.engine.k8s;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The labels, annotations and names of what this backend creates in a namespace. Kubernetes label values are at most
 * 63 characters of a narrow alphabet, so a value that does not fit (a controller id, a long agent name) is labelled by
 * a digest and kept whole in an annotation. Nothing here ever carries a secret.
 */
final class KubeNames {
    static final String PREFIX = "syscontainer.jenkins.io/";

    // Labels: what the backend selects by.
    /** {@code agent}, {@code cache-volume} or {@code probe}. */
    static final String ROLE = PREFIX + "role";
    /** A digest of the controller id (the cloud's scope). */
    static final String CONTROLLER = PREFIX + "controller";
    static final String AGENT = PREFIX + "agent";
    static final String CACHE_KEY = PREFIX + "cache-key";
    /** On an agent pod: the claim it mounts at /var/lib/docker. */
    static final String CACHE_VOLUME = PREFIX + "cache-volume";

    // Annotations: the whole values, and the lease state of a claim.
    static final String CONTROLLER_ID = PREFIX + "controller-id";
    static final String AGENT_NAME = PREFIX + "agent-name";
    static final String CLOUD = PREFIX + "cloud";
    static final String TEMPLATE = PREFIX + "template";
    static final String CACHE_KEY_NAME = PREFIX + "cache-key-name";
    /** On an agent pod: {@code abnormal} when the agent ended abnormally (its claim is quarantined). */
    static final String END = PREFIX + "end";
    /** On a claim: {@code idle}, {@code leased}, {@code quarantined} or {@code evicting}. */
    static final String STATE = PREFIX + "state";
    static final String LEASED_BY = PREFIX + "leased-by";
    /** On a claim: the controller lease's fencing token of the holder that leased it. */
    static final String FENCE = PREFIX + "fence";
    static final String LAST_USED = PREFIX + "last-used";
    static final String IDLE_TTL = PREFIX + "idle-ttl-seconds";
    static final String KEEP_QUARANTINED = PREFIX + "keep-quarantined";
    /** On a claim: why it is quarantined. */
    static final String NOTE = PREFIX + "note";

    static final String ROLE_AGENT = "agent";
    static final String ROLE_CACHE = "cache-volume";
    static final String ROLE_PROBE = "probe";

    /** CRI-O's per-pod user namespace request (clusters whose Sysbox runs under CRI-O). */
    static final String CRIO_USERNS = "io.kubernetes.cri-o.userns-mode";
    static final String CRIO_USERNS_VALUE = "auto:size=65536";

    static final String AGENT_CONTAINER = "agent";
    static final String DOCKER_VOLUME = "docker";


    private KubeNames() {
    }

    /** The first 20 hex digits of the SHA-256 of {@code s}. */
    static String digest(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The label value for {@code s}: itself when it is one, else {@code h-} and its digest. */
    static String labelValue(String s) {
        return s.isEmpty() || isName(s, true) ? s : "h-" + digest(s);
    }

    /** The controller label's value for a controller id. */
    static String controllerLabel(String controllerId) {
        return "c-" + digest(controllerId);
    }

    /**
     * A DNS label (what pod and claim names must be) made of {@code prefix} and {@code s}: lowercase, other
     * characters as '-', at most 63; when that changed {@code s}, a digest of it is appended so that two names that
     * differ only in case or punctuation stay apart.
     */
    static String dnsLabel(String prefix, String s) {
        String clean = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String name = prefix + clean;
        if (!clean.equals(s) || !isName(name, false)) {
            String suffix = "-" + digest(s).substring(0, 8);
            name = trim(name, 63 - suffix.length()) + suffix;
        }
        return name;
    }

    private static String trim(String s, int max) {
        String t = s.length() > max ? s.substring(0, max) : s;
        return t.replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
    }

    /** The pod name of an agent. */
    static String podName(String agentName) {
        return dnsLabel("", agentName);
    }

    /**
     * Whether {@code s} is a label value ({@code labelValue}: letters of either case, digits, '-', '_', '.') or a DNS
     * label (lower-case letters, digits, '-'): 1 to 63 of those, beginning and ending with a letter or digit. Checked
     * by hand: the obvious regular expression backtracks (a denial of service with long input).
     */
    static boolean isName(String s, boolean labelValue) {
        if (s.isEmpty() || s.length() > 63 || !alnum(s.charAt(0), labelValue) || !alnum(s.charAt(s.length() - 1), labelValue)) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!alnum(c, labelValue) && c != '-' && !(labelValue && (c == '_' || c == '.'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean alnum(char c, boolean upperToo) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || upperToo && c >= 'A' && c <= 'Z';
    }
}
