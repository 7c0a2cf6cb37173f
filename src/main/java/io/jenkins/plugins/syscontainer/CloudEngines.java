package io.jenkins.plugins.syscontainer;

import io.jenkins.plugins.syscontainer.engine.CacheLedger;
import io.jenkins.plugins.syscontainer.engine.DockerHost;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One engine per cloud, kept across the cloud object's re-creation on every configuration save and replaced (the old
 * one closed) only when the hosts or the runtime allowlist change. A new engine recovers its state from Docker, so
 * leases and host slots of running agents are never lost.
 */
final class CloudEngines {
    private static final Logger LOG = Logger.getLogger(CloudEngines.class.getName());
    private static final Map<String, Entry> ENGINES = new HashMap<>();

    private record Entry(String fingerprint, SystemContainerEngine engine) {
    }

    private CloudEngines() {
    }

    static synchronized SystemContainerEngine get(String cloud, String controllerId, List<DockerHost> hosts,
            Set<String> runtimes, Path ledger) {
        String fingerprint = controllerId + "|" + hosts + "|" + hosts.stream().map(h -> h.maxAgents() + "/"
                + h.connectTimeout() + "/" + h.responseTimeout() + "/" + (h.tls() == null ? 0 : h.tls().hashCode())).toList()
                + "|" + runtimes;
        Entry e = ENGINES.get(cloud);
        if (e != null && e.fingerprint().equals(fingerprint)) {
            return e.engine();
        }
        if (e != null) {
            close(e.engine());
        }
        SystemContainerEngine engine = new SystemContainerEngine(controllerId, hosts, new SecurityPolicy(runtimes),
                new CacheLedger(ledger), Clock.systemUTC(), null);
        engine.recover();
        ENGINES.put(cloud, new Entry(fingerprint, engine));
        return engine;
    }

    static synchronized SystemContainerEngine existing(String cloud) {
        Entry e = ENGINES.get(cloud);
        return e == null ? null : e.engine();
    }

    private static void close(SystemContainerEngine engine) {
        try {
            engine.close();
        } catch (IOException ex) {
            LOG.log(Level.FINE, "closing a replaced engine", ex);
        }
    }
}
