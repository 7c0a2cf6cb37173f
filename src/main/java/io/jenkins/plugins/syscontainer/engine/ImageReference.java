package io.jenkins.plugins.syscontainer.engine;

import java.util.regex.Pattern;

/** Syntax check of a Docker image reference ({@code [registry[:port]/]path[:tag][@digest]}), before any Docker call. */
public final class ImageReference {
    // Only a pattern without nested repetition (no backtracking blow-up); the rest of the grammar is checked by hand
    // below, because a reference comes from a form or a Jenkinsfile and is matched before anything else is checked.
    private static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0,127}");

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
            if (!isDigest(rest.substring(at + 1))) {
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
            if (!isDomain(parts[0])) {
                return "has a malformed registry '" + parts[0] + "'";
            }
            first = 1;
        }
        for (int i = first; i < parts.length; i++) {
            if (!isPathComponent(parts[i])) {
                return "has a malformed name component '" + parts[i]
                        + "' (lowercase letters and digits, separated by '.', '_', '__' or '-')";
            }
        }
        return null;
    }

    private static boolean isAlnum(char c, boolean upperToo) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (upperToo && c >= 'A' && c <= 'Z');
    }

    /** {@code host[.host…][:port]}: labels of letters, digits and inner '-'; a port of 1 to 5 digits. */
    static boolean isDomain(String s) {
        int colon = s.indexOf(':');
        String host = colon < 0 ? s : s.substring(0, colon);
        if (colon >= 0) {
            String port = s.substring(colon + 1);
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return false;
            }
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() || !isAlnum(label.charAt(0), true) || !isAlnum(label.charAt(label.length() - 1), true)
                    || !label.chars().allMatch(c -> isAlnum((char) c, true) || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Lowercase letters and digits in runs, separated by one '.', one '_', "__" or any number of '-'. */
    static boolean isPathComponent(String s) {
        int i = 0;
        int n = s.length();
        while (true) {
            int start = i;
            while (i < n && isAlnum(s.charAt(i), false)) {
                i++;
            }
            if (i == start) {
                return false; // empty run: leading, trailing or doubled separator
            }
            if (i == n) {
                return true;
            }
            char c = s.charAt(i);
            if (c == '.') {
                i++;
            } else if (c == '_') {
                i += i + 1 < n && s.charAt(i + 1) == '_' ? 2 : 1;
            } else if (c == '-') {
                while (i < n && s.charAt(i) == '-') {
                    i++;
                }
            } else {
                return false;
            }
        }
    }

    /** {@code algorithm:hex}: an algorithm of letter-led alphanumeric parts joined by '-', '_', '+' or '.'; 32+ hex digits. */
    static boolean isDigest(String s) {
        int colon = s.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        String hex = s.substring(colon + 1);
        if (hex.length() < 32 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128)) {
            return false;
        }
        for (String part : s.substring(0, colon).split("[-_+.]", -1)) {
            if (part.isEmpty() || !Character.isLetter(part.charAt(0)) || part.charAt(0) > 127
                    || !part.chars().allMatch(c -> isAlnum((char) c, true))) {
                return false;
            }
        }
        return true;
    }
}
