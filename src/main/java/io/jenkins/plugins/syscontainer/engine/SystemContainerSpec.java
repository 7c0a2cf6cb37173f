package io.jenkins.plugins.syscontainer.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a template asks for: image, runtime, limits, environment and so on. It is only a description; nothing reaches
 * Docker until {@link SecurityPolicy#check} has accepted it. The fields a template must never use (privileged mode,
 * host namespaces, bind mounts, devices, capabilities, security options) are modelled too, so that a request for
 * them, from a template or a pipeline, is refused by name instead of silently dropped.
 */
public final class SystemContainerSpec {
    public static final String DEFAULT_RUNTIME = "sysbox-runc";
    public static final double DEFAULT_CPUS = 2.0;
    public static final long DEFAULT_MEMORY_BYTES = 4L << 30;
    public static final long DEFAULT_PIDS_LIMIT = 16_384;

    private final String image;
    private final String runtime;
    private final double cpus;
    private final long memoryBytes;
    private final long pidsLimit;
    private final Map<String, String> env;
    private final Map<String, String> labels;
    private final String hostname;
    private final String network;
    private final String workingDir;
    private final List<String> command;
    private final String user;
    // Refused by the policy whenever set; kept so that the refusal can name them.
    private final boolean privileged;
    private final Map<String, String> namespaceModes;
    private final List<String> binds;
    private final List<String> volumesFrom;
    private final List<String> devices;
    private final List<String> capAdd;
    private final List<String> securityOpts;

    private SystemContainerSpec(Builder b) {
        image = b.image;
        runtime = b.runtime;
        cpus = b.cpus;
        memoryBytes = b.memoryBytes;
        pidsLimit = b.pidsLimit;
        env = Map.copyOf(b.env);
        labels = Map.copyOf(b.labels);
        hostname = b.hostname;
        network = b.network;
        workingDir = b.workingDir;
        command = List.copyOf(b.command);
        user = b.user;
        privileged = b.privileged;
        namespaceModes = Map.copyOf(b.namespaceModes);
        binds = List.copyOf(b.binds);
        volumesFrom = List.copyOf(b.volumesFrom);
        devices = List.copyOf(b.devices);
        capAdd = List.copyOf(b.capAdd);
        securityOpts = List.copyOf(b.securityOpts);
    }

    public static Builder builder(String image) {
        return new Builder().image(image);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.image = image;
        b.runtime = runtime;
        b.cpus = cpus;
        b.memoryBytes = memoryBytes;
        b.pidsLimit = pidsLimit;
        b.env.putAll(env);
        b.labels.putAll(labels);
        b.hostname = hostname;
        b.network = network;
        b.workingDir = workingDir;
        b.command.addAll(command);
        b.user = user;
        b.privileged = privileged;
        b.namespaceModes.putAll(namespaceModes);
        b.binds.addAll(binds);
        b.volumesFrom.addAll(volumesFrom);
        b.devices.addAll(devices);
        b.capAdd.addAll(capAdd);
        b.securityOpts.addAll(securityOpts);
        return b;
    }

    public String image() {
        return image;
    }

    public String runtime() {
        return runtime;
    }

    public double cpus() {
        return cpus;
    }

    public long memoryBytes() {
        return memoryBytes;
    }

    public long pidsLimit() {
        return pidsLimit;
    }

    public Map<String, String> env() {
        return env;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public String hostname() {
        return hostname;
    }

    public String network() {
        return network;
    }

    public String workingDir() {
        return workingDir;
    }

    public List<String> command() {
        return command;
    }

    public String user() {
        return user;
    }

    public boolean privileged() {
        return privileged;
    }

    /** Requested namespace modes by name ({@code pid}, {@code ipc}, {@code uts}, {@code userns}, {@code cgroupns}). */
    public Map<String, String> namespaceModes() {
        return namespaceModes;
    }

    public List<String> binds() {
        return binds;
    }

    public List<String> volumesFrom() {
        return volumesFrom;
    }

    public List<String> devices() {
        return devices;
    }

    public List<String> capAdd() {
        return capAdd;
    }

    public List<String> securityOpts() {
        return securityOpts;
    }

    /** Mutable builder; every setter returns {@code this}. Defaults: sysbox-runc, 2 CPUs, 4 GiB, 16384 pids. */
    public static final class Builder {
        private String image;
        private String runtime = DEFAULT_RUNTIME;
        private double cpus = DEFAULT_CPUS;
        private long memoryBytes = DEFAULT_MEMORY_BYTES;
        private long pidsLimit = DEFAULT_PIDS_LIMIT;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private String hostname;
        private String network;
        private String workingDir;
        private final List<String> command = new ArrayList<>();
        private String user;
        private boolean privileged;
        private final Map<String, String> namespaceModes = new LinkedHashMap<>();
        private final List<String> binds = new ArrayList<>();
        private final List<String> volumesFrom = new ArrayList<>();
        private final List<String> devices = new ArrayList<>();
        private final List<String> capAdd = new ArrayList<>();
        private final List<String> securityOpts = new ArrayList<>();

        private Builder() {
        }

        public Builder image(String v) {
            image = v;
            return this;
        }

        public Builder runtime(String v) {
            runtime = v;
            return this;
        }

        public Builder cpus(double v) {
            cpus = v;
            return this;
        }

        public Builder memoryBytes(long v) {
            memoryBytes = v;
            return this;
        }

        public Builder pidsLimit(long v) {
            pidsLimit = v;
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder hostname(String v) {
            hostname = v;
            return this;
        }

        public Builder network(String v) {
            network = v;
            return this;
        }

        public Builder workingDir(String v) {
            workingDir = v;
            return this;
        }

        public Builder command(List<String> v) {
            command.clear();
            command.addAll(v);
            return this;
        }

        public Builder user(String v) {
            user = v;
            return this;
        }

        public Builder privileged(boolean v) {
            privileged = v;
            return this;
        }

        /** {@code kind} is one of pid, ipc, uts, userns, cgroupns; {@code mode} as in {@code docker run --pid=MODE}. */
        public Builder namespaceMode(String kind, String mode) {
            namespaceModes.put(kind, mode);
            return this;
        }

        public Builder bind(String spec) {
            binds.add(spec);
            return this;
        }

        public Builder volumesFrom(String container) {
            volumesFrom.add(container);
            return this;
        }

        public Builder device(String spec) {
            devices.add(spec);
            return this;
        }

        public Builder capAdd(String cap) {
            capAdd.add(cap);
            return this;
        }

        public Builder securityOpt(String opt) {
            securityOpts.add(opt);
            return this;
        }

        public SystemContainerSpec build() {
            return new SystemContainerSpec(this);
        }
    }
}
