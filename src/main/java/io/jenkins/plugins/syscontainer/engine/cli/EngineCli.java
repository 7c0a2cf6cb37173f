package io.jenkins.plugins.syscontainer.engine.cli;

import io.jenkins.plugins.syscontainer.engine.AgentHandle;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.EngineJson;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ImageSource;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.ReapReport;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.cache.CacheLedger;
import io.jenkins.plugins.syscontainer.engine.docker.DockerBackend;
import io.jenkins.plugins.syscontainer.engine.docker.DockerHost;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Command-line entry point of the engine, for administrators and black-box tests: {@code run}, {@code probe},
 * {@code reap}. Exit codes are listed in {@link #USAGE} and docs/cli.md.
 */
public final class EngineCli {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE_ERROR = 2;

    static final String USAGE = """
            usage: java -jar system-container-agents-cli.jar COMMAND [OPTIONS]

            commands:
              run   [host options] --image IMAGE [--runtime R] [--cpus N] [--memory SIZE] [--pids N]
                    [--cache-key K [--max-volumes N] [--preload IMAGE]... [--golden VOLUME]]
                    [--ready-timeout SECONDS] [--pull ifMissing|always|never] [--load HOST_IMAGE]... [--name AGENT]
                    [--json] -- COMMAND...
                    Provisions one agent exactly as Jenkins would, copies each --load image from the host into the
                    inner Docker, runs COMMAND inside through the exec channel (output streamed), terminates the
                    agent, and prints the step timings as one JSON line.
              probe [host options] [--image IMAGE] [--runtime R] [--json]
                    The host checks of the cloud's "Test connection" button.
              reap  [host options] --controller-id ID [--live NAME]... [--grace SECONDS] [--json]
                    Removes the controller's containers whose agent is not listed as live.
              caches list  [host options] [--json]
              caches evict [host options] (--volume NAME | --maintain [--budget SIZE])
                    Cache pools of the controller id: volumes, state, size, last use, hits, misses, evictions;
                    evict one idle volume, or run the time-to-live and size-budget eviction once.

            host options: --host URI (default unix:///var/run/docker.sock; tcp://HOST:PORT with TLS)
                          --tls-ca FILE --tls-cert FILE --tls-key FILE (PEM; all three for TLS)
                          --connect-timeout SECONDS (5) --response-timeout SECONDS (60)
                          --controller-id ID (default sca-cli) --allow-runtime R (repeatable; default sysbox-runc)
                          --ledger FILE (cache last-use record; default ~/.system-container-agents/ID.ledger)

            exit codes: 0 success; 1 the command or a check failed; 2 usage error;
                        3 bad template; 4 image missing; 5 runtime missing; 6 host unavailable;
                        7 inner Docker not ready; 8 other provisioning failure
            """;

    private static final Set<String> HOST_OPTIONS = Set.of("host", "tls-ca", "tls-cert", "tls-key", "connect-timeout",
            "response-timeout", "controller-id", "allow-runtime", "ledger");

    private final PrintStream out;
    private final PrintStream err;

    EngineCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new EngineCli(System.out, System.err).execute(Arrays.asList(args)));
    }

    int execute(List<String> args) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
            out.print(USAGE);
            return args.isEmpty() ? USAGE_ERROR : OK;
        }
        try {
            List<String> rest = args.subList(1, args.size());
            return switch (args.get(0)) {
                case "run" -> new RunCommand(this).run(parse(rest, Set.of("image", "runtime", "cache-key", "cpus",
                        "memory", "pids", "ready-timeout", "pull", "load", "name", "preload", "golden", "max-volumes")));
                case "caches" -> new CachesCommand(this).run(rest);
                case "probe" -> probe(parse(rest, Set.of("image", "runtime")));
                case "reap" -> reap(parse(rest, Set.of("live", "grace")));
                default -> throw new CliArgs.UsageException("unknown command '" + args.get(0) + "'");
            };
        } catch (CliArgs.UsageException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return USAGE_ERROR;
        } catch (ProvisioningException e) {
            err.println("provisioning failed: " + e.getMessage());
            return exitCode(e.kind());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("interrupted");
            return FAILED;
        } catch (IOException | RuntimeException e) {
            err.println("error: " + e);
            return FAILED;
        }
    }

    static int exitCode(FailureKind kind) {
        return 3 + kind.ordinal();
    }

    static CliArgs parse(List<String> args, Set<String> own) throws CliArgs.UsageException {
        Set<String> known = new HashSet<>(own);
        known.addAll(HOST_OPTIONS);
        return new CliArgs(args, known, Set.of("json", "maintain"));
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    DockerBackend engine(CliArgs a) throws CliArgs.UsageException, IOException {
        URI uri = URI.create(a.get("host", "unix:///var/run/docker.sock"));
        DockerHost.TlsMaterial tls = null;
        String ca = a.get("tls-ca", null);
        String cert = a.get("tls-cert", null);
        String key = a.get("tls-key", null);
        if (ca != null || cert != null || key != null) {
            if (ca == null || cert == null || key == null) {
                throw new CliArgs.UsageException("TLS needs all of --tls-ca, --tls-cert and --tls-key");
            }
            tls = new DockerHost.TlsMaterial(Files.readString(Path.of(key)), Files.readString(Path.of(cert)),
                    Files.readString(Path.of(ca)));
        }
        DockerHost host;
        try {
            host = new DockerHost("cli", uri, tls, Duration.ofSeconds(a.number("connect-timeout", 5)),
                    Duration.ofSeconds(a.number("response-timeout", 60)), DockerHost.DEFAULT_MAX_AGENTS);
        } catch (IllegalArgumentException e) {
            throw new CliArgs.UsageException(e.getMessage());
        }
        SecurityPolicy policy = new SecurityPolicy(new HashSet<>(a.all("allow-runtime")));
        String controller = a.get("controller-id", "sca-cli");
        Path ledger = a.get("ledger", null) != null ? Path.of(a.get("ledger", null)) : stateFile(a, ".ledger");
        return new DockerBackend(controller, List.of(host), policy, new CacheLedger(ledger), Clock.systemUTC(), null);
    }

    /** A file of this controller id's state in the user's home ({@code ~/.system-container-agents/ID<suffix>}). */
    static Path stateFile(CliArgs a, String suffix) {
        return Path.of(System.getProperty("user.home"), ".system-container-agents", a.get("controller-id", "sca-cli") + suffix);
    }

    static SystemContainerSpec.Builder spec(CliArgs a) throws CliArgs.UsageException {
        String image = a.get("image", "system-container-agent:latest");
        SystemContainerSpec.Builder b = SystemContainerSpec.builder(image)
                .runtime(a.get("runtime", SystemContainerSpec.DEFAULT_RUNTIME))
                .memoryBytes(a.bytes("memory", SystemContainerSpec.DEFAULT_MEMORY_BYTES))
                .pidsLimit(a.number("pids", SystemContainerSpec.DEFAULT_PIDS_LIMIT));
        String cpus = a.get("cpus", null);
        if (cpus != null) {
            try {
                b.cpus(Double.parseDouble(cpus));
            } catch (NumberFormatException e) {
                throw new CliArgs.UsageException("option --cpus: '" + cpus + "' is not a number");
            }
        }
        return b;
    }

    static AgentIdentity identity(CliArgs a, DockerBackend engine, String prefix) {
        String name = a.get("name", prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        return new AgentIdentity(engine.controllerId(), "cli", "cli", name);
    }

    static ProvisionRequest request(CliArgs a, DockerBackend engine, SystemContainerSpec spec)
            throws CliArgs.UsageException {
        try {
            CacheSettings cache = CacheSettings.DEFAULTS
                    .withMaxVolumes((int) a.number("max-volumes", CacheSettings.DEFAULT_MAX_VOLUMES))
                    .withPreload(a.all("preload")).withGolden(a.get("golden", null));
            return new ProvisionRequest(identity(a, engine, "sca-cli"), spec, a.get("cache-key", null), cache,
                    Duration.ofSeconds(a.number("ready-timeout", 60)), new ImageSource(pullPolicy(a.get("pull", "ifMissing")),
                            null, null));
        } catch (IllegalArgumentException e) {
            throw new CliArgs.UsageException(e.getMessage());
        }
    }

    /** The --pull option (anonymous pulls only: the command line takes no registry password). */
    static ImageSource.PullPolicy pullPolicy(String v) throws CliArgs.UsageException {
        return switch (v) {
            case "ifMissing" -> ImageSource.PullPolicy.IF_MISSING;
            case "always" -> ImageSource.PullPolicy.ALWAYS;
            case "never" -> ImageSource.PullPolicy.NEVER;
            default -> throw new CliArgs.UsageException("--pull must be ifMissing, always or never, not '" + v + "'");
        };
    }

    private int probe(CliArgs a) throws CliArgs.UsageException, IOException, InterruptedException {
        try (DockerBackend engine = engine(a)) {
            ProbeResult r = engine.probe("cli", spec(a).build(), Duration.ofSeconds(60));
            if (a.flag("json")) {
                out.println(r.toJson());
            } else {
                for (ProbeResult.Check c : r.checks()) {
                    String mark = switch (c.status()) {
                        case PASS -> "✔";
                        case WARN -> "⚠";
                        case FAIL -> "✘";
                    };
                    out.println(mark + " " + c.name() + ": " + c.detail());
                }
                out.println(r.ok() ? "host OK" : "host NOT OK");
            }
            return r.ok() ? OK : FAILED;
        }
    }

    private int reap(CliArgs a) throws CliArgs.UsageException, IOException {
        if (a.get("controller-id", null) == null) {
            throw new CliArgs.UsageException("reap needs --controller-id (it only touches that controller's containers)");
        }
        try (DockerBackend engine = engine(a)) {
            List<ReapReport> reports = engine.reap(new HashSet<>(a.all("live")),
                    Duration.ofSeconds(a.number("grace", 600)));
            boolean errors = false;
            for (ReapReport r : reports) {
                out.println(r.toJson());
                errors |= !r.errors().isEmpty();
            }
            return errors ? FAILED : OK;
        }
    }

    static String timingsJson(AgentHandle c, Integer exit, long totalMillis) {
        Map<String, Long> steps = new java.util.LinkedHashMap<>();
        for (ProvisioningEvent e : c.timings()) {
            steps.put(e.step().name().toLowerCase(java.util.Locale.ROOT), e.duration().toMillis());
        }
        Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("agent", c.agentName());
        line.put("host", c.hostName());
        line.put("container", c.containerId());
        line.put("volume", c.cacheVolume());
        line.put("provision_ms", c.provisioningTime().toMillis());
        line.put("steps_ms", steps);
        line.put("exit", exit);
        line.put("total_ms", totalMillis);
        return EngineJson.write(line);
    }
}
