package io.jenkins.plugins.syscontainer;

import java.util.List;
import java.util.regex.Pattern;

/** The checks of a Kubernetes placement's fields, shared by its setters, its form and the save (problem or null). */
final class KubernetesFields {
    static final List<String> USER_NAMESPACE_MODES = List.of("auto", "hostUsers", "crioAnnotation");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern URL = Pattern.compile("https?://[^\\s/]+(/\\S*)?");
    private static final String PEM = "-----BEGIN CERTIFICATE-----";

    private KubernetesFields() {
    }

    static String serverUrl(String v) {
        return v == null || v.isBlank() || URL.matcher(v.trim()).matches() ? null
                : "must be an http(s) URL of the API server, or empty for the cluster Jenkins runs in";
    }

    static String dnsLabel(String v) {
        return v != null && DNS_LABEL.matcher(v).matches() ? null
                : "must be a DNS label: lowercase letters, digits and '-', at most 63, not '" + v + "'";
    }

    static String subdomain(String v, boolean optional) {
        if (v == null || v.isEmpty()) {
            return optional ? null : "must not be empty";
        }
        return DNS_SUBDOMAIN.matcher(v).matches() ? null
                : "must be a DNS subdomain name: lowercase letters, digits, '-' and '.', not '" + v + "'";
    }

    static String userNamespace(String v) {
        return USER_NAMESPACE_MODES.contains(v) ? null
                : "must be auto, hostUsers or crioAnnotation, not '" + v + "'";
    }

    static String certificate(String v) {
        String t = v == null ? "" : v.trim();
        return t.isEmpty() || t.startsWith(PEM) ? null : "must be a PEM certificate (" + PEM + ")";
    }

    static String trimmed(String v) {
        return v == null ? "" : v.trim();
    }
}
