package io.jenkins.plugins.syscontainer.engine;

import java.util.regex.Pattern;

/** Syntax check of a Docker image reference ({@code [registry[:port]/]path[:tag][@digest]}), before any Docker call. */
public final class ImageReference {
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN =
            Pattern.compile(DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]{1,5})?");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST =
            Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");

    private ImageReference() {
    }

    /**
     * The name to pull and the tag (or null when the reference has a digest, which stays in the name): Docker's pull
     * API pulls every tag of a repository when no tag is given, so "latest" is made explicit.
     */
    public static String[] nameAndTag(String ref) {
        if (ref.indexOf('@') >= 0) {
            return new String[] {ref, null};
        }
        int slash = ref.lastIndexOf('/');
        int colon = ref.lastIndexOf(':');
        return colon > slash ? new String[] {ref.substring(0, colon), ref.substring(colon + 1)}
                : new String[] {ref, "latest"};
    }

    /** The registry the reference pulls from: its first component when that is a host, else Docker Hub. */
    public static String registry(String ref) {
        String name = nameAndTag(ref)[0];
        int at = name.indexOf('@');
        String[] parts = (at >= 0 ? name.substring(0, at) : name).split("/");
        return parts.length > 1 && (parts[0].contains(".") || parts[0].contains(":") || parts[0].equals("localhost"))
                ? parts[0] : "docker.io";
    }

    /** Null when {@code ref} is a valid reference, otherwise why not. */
    public static String problem(String ref) {
        if (ref == null || ref.isBlank()) {
            return "is empty";
        }
        if (!ref.equals(ref.strip())) {
            return "has leading or trailing white space";
        }
        String rest = ref;
        int at = rest.indexOf('@');
        if (at >= 0) {
            if (!DIGEST.matcher(rest.substring(at + 1)).matches()) {
                return "has a malformed digest after '@' (expected algorithm:hex, e.g. sha256:…)";
            }
            rest = rest.substring(0, at);
        }
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            if (!TAG.matcher(rest.substring(colon + 1)).matches()) {
                return "has a malformed tag '" + rest.substring(colon + 1) + "' (letters, digits, '_', '.', '-'; at most 128)";
            }
            rest = rest.substring(0, colon);
        }
        if (rest.length() > 255) {
            return "has a name longer than 255 characters";
        }
        String[] parts = rest.split("/", -1);
        int first = 0;
        if (parts.length > 1 && (parts[0].contains(".") || parts[0].contains(":") || parts[0].equals("localhost"))) {
            if (!DOMAIN.matcher(parts[0]).matches()) {
                return "has a malformed registry '" + parts[0] + "'";
            }
            first = 1;
        }
        for (int i = first; i < parts.length; i++) {
            if (!PATH_COMPONENT.matcher(parts[i]).matches()) {
                return "has a malformed name component '" + parts[i]
                        + "' (lowercase letters and digits, separated by '.', '_', '__' or '-')";
            }
        }
        return null;
    }
}
