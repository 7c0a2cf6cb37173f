package io.jenkins.plugins.syscontainer.engine.cli;

import io.jenkins.plugins.syscontainer.engine.AgentBackend;
import io.jenkins.plugins.syscontainer.engine.CacheStats;
import io.jenkins.plugins.syscontainer.engine.docker.DockerBackend;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code caches list} and {@code caches evict}: the cache pools as Docker's labels and the ledger describe them. */
final class CachesCommand {
    private final EngineCli cli;

    CachesCommand(EngineCli cli) {
        this.cli = cli;
    }

    int run(List<String> args) throws CliArgs.UsageException, IOException {
        if (args.isEmpty()) {
            throw new CliArgs.UsageException("caches needs 'list' or 'evict'");
        }
        CliArgs a = EngineCli.parse(args.subList(1, args.size()), Set.of("volume", "budget"));
        boolean maintain = args.contains("--maintain");
        try (DockerBackend engine = cli.engine(a)) {
            engine.recover();
            String host = engine.hosts().get(0).name();
            switch (args.get(0)) {
                case "list" -> {
                    engine.refreshCacheSizes();
                    print(engine.caches(), a.flag("json"));
                    return EngineCli.OK;
                }
                case "evict" -> {
                    String volume = a.get("volume", null);
                    if (volume != null) {
                        boolean ok = engine.evict(host, volume);
                        cli.out().println(ok ? "evicted " + volume : volume + " was not evicted (leased, or not a cache volume of this controller)");
                        return ok ? EngineCli.OK : EngineCli.FAILED;
                    }
                    if (!maintain) {
                        throw new CliArgs.UsageException("caches evict needs --volume NAME or --maintain");
                    }
                    AgentBackend.CacheMaintenance m = engine.maintainCaches(Map.of(), a.bytes("budget", Long.MAX_VALUE)).get(0);
                    if (m.error() != null) {
                        throw new IOException("cache maintenance failed: " + m.error());
                    }
                    List<String> evicted = m.evicted();
                    cli.out().println("evicted " + evicted.size() + " volume(s)" + (evicted.isEmpty() ? "" : ": " + evicted));
                    return EngineCli.OK;
                }
                default -> throw new CliArgs.UsageException("unknown caches subcommand '" + args.get(0) + "'");
            }
        }
    }

    private void print(List<CacheStats> stats, boolean json) {
        for (CacheStats s : stats) {
            if (json) {
                cli.out().println(s.toJson());
                continue;
            }
            cli.out().printf("pool %s on %s: %d volume(s), %d MiB, hits %d, misses %d, evictions %d%n", s.cacheKey(), s.host(),
                    s.volumes().size(), s.totalBytes() >> 20, s.hits(), s.misses(), s.evictions());
            for (CacheStats.VolumeInfo v : s.volumes()) {
                cli.out().printf("  %-40s %-11s %8s  last used %s%s%n", v.name(), v.state(),
                        v.sizeBytes() < 0 ? "?" : (v.sizeBytes() >> 20) + " MiB", v.lastUsed(),
                        v.leasedBy() == null ? "" : "  by " + v.leasedBy());
            }
        }
        if (stats.isEmpty()) {
            cli.out().println("no cache volumes");
        }
    }
}
