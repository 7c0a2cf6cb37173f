package io.jenkins.plugins.syscontainer.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one gate between a template and Docker. {@link #check} refuses, by field, everything that would give a build
 * power over the host: privileged mode, host namespaces, bind mounts of host paths (docker.sock, the host's
 * /var/lib/docker), --volumes-from, devices, added capabilities, custom security options and runtimes outside the
 * administrator's allowlist; and it rejects malformed values. Each backend checks its final request again (Docker:
 * {@code HostConfigPolicy}), so no code path can create a container the policy would refuse.
 */
public final class SecurityPolicy {
    public static final String CACHE_MOUNT_POINT = "/var/lib/docker";
    /** Docker's smallest CPU quota: below it the runtime sets no CFS quota at all, i.e. no limit. */
    public static final double MIN_CPUS = 0.01;
    public static final double MAX_CPUS = 256;
    public static final long MIN_MEMORY = 256L << 20;
    static final long MAX_MEMORY = 1L << 40;
    public static final long MIN_PIDS = 256;
    static final long MAX_PIDS = 4_194_304;
    /** Env names that would carry the agent's secret; the launcher passes it through exec stdin instead. */
    static final Set<String> SECRET_ENV = Set.of("JENKINS_SECRET", "JENKINS_AGENT_SECRET");

    private static final Pattern HOSTNAME = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");
    private static final Pattern NETWORK = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    private static final Pattern USER = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,63}(:[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,63})?");

    private final Set<String> allowedRuntimes;

    /** @param allowedRuntimes the administrator's runtime allowlist; empty means the default, sysbox-runc only */
    public SecurityPolicy(Set<String> allowedRuntimes) {
        this.allowedRuntimes = allowedRuntimes == null || allowedRuntimes.isEmpty()
                ? Set.of(SystemContainerSpec.DEFAULT_RUNTIME) : Set.copyOf(allowedRuntimes);
    }

    public static SecurityPolicy defaultPolicy() {
        return new SecurityPolicy(Set.of());
    }

    public Set<String> allowedRuntimes() {
        return allowedRuntimes;
    }

    /** One refused or malformed field. */
    public record Violation(String field, String value, String reason) {
        @Override
        public String toString() {
            return "field '" + field + "' = '" + value + "': " + reason;
        }
    }

    /** Every violation in {@code spec}; empty when it may be created. */
    public List<Violation> check(SystemContainerSpec spec) {
        List<Violation> v = new ArrayList<>();
        String imageProblem = ImageReference.problem(spec.image());
        if (imageProblem != null) {
            v.add(new Violation("image", spec.image(), "not a valid image reference: it " + imageProblem));
        }
        if (spec.runtime() == null || !allowedRuntimes.contains(spec.runtime())) {
            v.add(new Violation("runtime", spec.runtime(), "not in the allowed runtimes " + allowedRuntimes
                    + " (an administrator sets the allowlist in the cloud configuration)"));
        }
        if (!(spec.cpus() >= MIN_CPUS && spec.cpus() <= MAX_CPUS)) {
            v.add(new Violation("cpus", String.valueOf(spec.cpus()), "must be at least " + MIN_CPUS + " (below it Docker"
                    + " sets no CPU limit at all) and at most " + (int) MAX_CPUS));
        }
        if (spec.memoryBytes() < MIN_MEMORY || spec.memoryBytes() > MAX_MEMORY) {
            v.add(new Violation("memory", spec.memoryBytes() + " bytes",
                    "must be between 256 MiB (an inner dockerd needs it) and 1 TiB"));
        }
        if (spec.pidsLimit() < MIN_PIDS || spec.pidsLimit() > MAX_PIDS) {
            v.add(new Violation("pidsLimit", String.valueOf(spec.pidsLimit()), "must be between " + MIN_PIDS + " and " + MAX_PIDS));
        }
        for (Map.Entry<String, String> e : spec.env().entrySet()) {
            String k = e.getKey();
            if (k == null || k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0) {
                v.add(new Violation("env", k, "an environment variable name must be non-empty without '=' or NUL"));
            } else if (SECRET_ENV.contains(k)) {
                v.add(new Violation("env", k, "secrets must not be passed in the environment (docker inspect shows it);"
                        + " the launcher sends the agent secret over the exec channel"));
            } else if (e.getValue() != null && e.getValue().indexOf('\0') >= 0) {
                v.add(new Violation("env", k, "the value contains a NUL character"));
            }
        }
        for (String k : spec.labels().keySet()) {
            String why = Labels.checkUserKey(k);
            if (why != null) {
                v.add(new Violation("labels", k, "label key " + why));
            }
        }
        if (spec.hostname() != null && !HOSTNAME.matcher(spec.hostname()).matches()) {
            v.add(new Violation("hostname", spec.hostname(), "must be one DNS label: letters, digits and '-', at most 63"));
        }
        if (spec.network() != null) {
            if (spec.network().equals("host") || spec.network().startsWith("container:")) {
                v.add(new Violation("network", spec.network(), "sharing the host's or another container's network"
                        + " namespace is refused; use the default bridge or a user-defined network"));
            } else if (!NETWORK.matcher(spec.network()).matches()) {
                v.add(new Violation("network", spec.network(), "not a valid network name"));
            }
        }
        if (spec.workingDir() != null && !spec.workingDir().startsWith("/")) {
            v.add(new Violation("workingDir", spec.workingDir(), "must be an absolute path"));
        }
        if (spec.user() != null && !USER.matcher(spec.user()).matches()) {
            v.add(new Violation("user", spec.user(), "must be NAME, UID, NAME:GROUP or UID:GID"));
        }
        if (spec.privileged()) {
            v.add(new Violation("privileged", "true", "privileged containers are refused: a system container runs"
                    + " Docker without it, and privileged mode would make the build root on the host"));
        }
        for (Map.Entry<String, String> ns : spec.namespaceModes().entrySet()) {
            String mode = ns.getValue();
            if (mode != null && !mode.isEmpty() && !(ns.getKey().equals("cgroupns") && mode.equals("private"))) {
                v.add(new Violation(ns.getKey(), mode, "namespace modes other than the runtime's own are refused"
                        + " (host or shared namespaces let the build see or control the host)"));
            }
        }
        for (String b : spec.binds()) {
            v.add(new Violation("binds", b, bindReason(b)));
        }
        for (String c : spec.volumesFrom()) {
            v.add(new Violation("volumesFrom", c, "mounting another container's volumes is refused (it could reach"
                    + " another agent's cache or a host path)"));
        }
        for (String d : spec.devices()) {
            v.add(new Violation("devices", d, "host devices are refused"));
        }
        for (String c : spec.capAdd()) {
            v.add(new Violation("capAdd", c, "added capabilities are refused (Sysbox gives the container what it"
                    + " needs inside its user namespace)"));
        }
        for (String s : spec.securityOpts()) {
            v.add(new Violation("securityOpts", s, "custom security options are refused (they can disable seccomp,"
                    + " AppArmor or no-new-privileges)"));
        }
        return v;
    }

    private static String bindReason(String bind) {
        String src = bind.contains(":") ? bind.substring(0, bind.indexOf(':')) : bind;
        if (src.contains("docker.sock")) {
            return "mounting the host's Docker socket is refused: it gives the build control of every container on"
                    + " the host";
        }
        if (src.startsWith("/var/lib/docker")) {
            return "mounting the host's /var/lib/docker is refused: the cache volume is managed by the plugin";
        }
        return "bind mounts of host paths are refused: under Sysbox they are written as host root";
    }

    /** Throws a {@link FailureKind#BAD_TEMPLATE} failure listing every violation, if any. */
    public void enforce(SystemContainerSpec spec) throws ProvisioningException {
        List<Violation> v = check(spec);
        if (!v.isEmpty()) {
            throw new ProvisioningException(FailureKind.BAD_TEMPLATE, "the container spec was refused: "
                    + String.join("; ", v.stream().map(Violation::toString).toList()));
        }
    }
}
