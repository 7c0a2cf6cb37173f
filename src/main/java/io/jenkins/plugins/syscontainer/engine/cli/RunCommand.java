package io.jenkins.plugins.syscontainer.engine.cli;

import io.jenkins.plugins.syscontainer.engine.AgentStream;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.cache.ExclusiveFileLock;
import io.jenkins.plugins.syscontainer.engine.docker.DockerAgent;
import io.jenkins.plugins.syscontainer.engine.docker.DockerBackend;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** {@code run}: provision, optionally seed images, run a command through the exec channel, terminate. */
final class RunCommand {
    private final EngineCli cli;

    RunCommand(EngineCli cli) {
        this.cli = cli;
    }

    int run(CliArgs a) throws CliArgs.UsageException, IOException, ProvisioningException, InterruptedException {
        List<String> command = a.rest();
        if (command.isEmpty()) {
            throw new CliArgs.UsageException("run needs a command after --");
        }
        long t0 = System.nanoTime();
        try (DockerBackend engine = engine(a)) {
            ProvisioningEvent.Listener progress = e -> cli.err().println("[sca] " + e);
            ProvisionRequest req = EngineCli.request(a, engine, EngineCli.spec(a).build());
            DockerAgent agent;
            // Earlier runs' volumes are in Docker, not in this new process: recover them first, so a run on a cache
            // key reuses its warm volume instead of making another. Concurrent runs take turns until their container
            // exists (a lock file per controller id), so none leases a volume another is about to mount and --max-volumes
            // holds. Runs on other machines against the same Docker host are not covered: they need ids of their own.
            try (ExclusiveFileLock lock = ExclusiveFileLock.acquire(EngineCli.stateFile(a, ".lease.lock"))) {
                engine.recover();
                agent = engine.provision(req, e -> {
                    progress.onEvent(e);
                    if (e.step() == ProvisioningEvent.Step.CREATED || e.step() == ProvisioningEvent.Step.FAILED) {
                        lock.close(); // the container exists: the next run may recover and lease
                    }
                });
            }
            boolean abnormal = true;
            Integer exit = null;
            try {
                for (String image : a.all("load")) {
                    loadImage(engine, agent, image);
                }
                try (AgentStream s = agent.channel().open(command, null, bytes -> cli.err().write(bytes, 0, bytes.length))) {
                    s.stdout().transferTo(cli.out());
                    cli.out().flush();
                    exit = s.awaitExit(Duration.ofSeconds(30));
                }
                abnormal = false;
            } finally {
                engine.terminate(agent, abnormal, progress);
            }
            cli.out().println(EngineCli.timingsJson(agent, exit, (System.nanoTime() - t0) / 1_000_000));
            return exit != null && exit == 0 ? EngineCli.OK : EngineCli.FAILED;
        }
    }

    private DockerBackend engine(CliArgs a) throws CliArgs.UsageException, IOException {
        return cli.engine(a);
    }

    /** Copies an image from the host's engine into the agent's inner Docker (size-delimited, see ContainerExec). */
    private void loadImage(DockerBackend engine, DockerAgent agent, String image) throws IOException, InterruptedException {
        long t = System.nanoTime();
        ExecResult r = engine.loadImage(agent, image, Duration.ofMinutes(10));
        if (!r.ok()) {
            throw new IOException("loading " + image + " into the inner Docker failed: " + r.stderr().strip());
        }
        cli.err().println("[sca] loaded " + image + " into the inner Docker in " + (System.nanoTime() - t) / 1_000_000 + " ms");
    }
}
