package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ImageSource;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent.Step;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeLease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates, starts and waits for one agent container on a chosen host with a leased volume. On any failure after the
 * container exists it is removed again, so a failed provision leaves nothing behind.
 */
final class AgentProvisioner {
    private final SecurityPolicy policy;
    private final Clock clock;

    AgentProvisioner(SecurityPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Makes sure the host has the image before anything is created for the agent (no cache volume is made for an
     * image that is not there): pulled per the request's policy, or a host-local IMAGE_MISSING failure, which the
     * engine answers by trying another host.
     */
    void ensureImage(ManagedHost host, ProvisionRequest req, List<ProvisioningEvent> timings,
            ProvisioningEvent.Listener listener) throws ProvisioningException, InterruptedException {
        String image = req.spec().image();
        String agent = req.identity().agentName();
        ImageSource source = req.imageSource();
        long t = System.nanoTime();
        boolean present;
        try {
            present = ImagePull.hasImage(host.api(), image);
        } catch (RuntimeException e) {
            throw FailureClassifier.classify(e, host.name(), "looking for image " + image);
        }
        switch (source.policy()) {
            case ALWAYS -> {
                String detail = image + " (pull policy: always)";
                try {
                    ImagePull.pull(host, image, source);
                } catch (ProvisioningException e) {
                    if (!present) {
                        throw e;
                    }
                    detail = image + " not refreshed, the host's copy is used: " + e.getMessage();
                }
                step(timings, listener, agent, Step.IMAGE_PULLED, t, detail);
            }
            case IF_MISSING -> {
                if (!present) {
                    ImagePull.pull(host, image, source);
                    step(timings, listener, agent, Step.IMAGE_PULLED, t, image + " (was missing on the host)");
                }
            }
            case NEVER -> {
                if (!present) {
                    throw new ProvisioningException(FailureKind.IMAGE_MISSING, "the image " + image + " is not on host '"
                            + host.name() + "' and the template's pull policy is 'never': load it there (docker load),"
                            + " pull it there, or let the template pull it");
                }
            }
        }
    }

    DockerAgent provision(ManagedHost host, ProvisionRequest req, VolumeLease lease, List<ProvisioningEvent> timings,
            ProvisioningEvent.Listener listener) throws ProvisioningException, InterruptedException {
        DockerClient docker = host.api();
        String agent = req.identity().agentName();
        Instant createdAt = clock.instant();
        HostConfig hc = hostConfig(req.spec(), lease.volumeName());
        HostConfigPolicy.verify(policy, hc);
        Map<String, String> labels = new LinkedHashMap<>(req.spec().labels());
        labels.putAll(Labels.forAgent(req.identity(), lease.volumeName(), createdAt));
        if (req.cacheKey() != null) {
            labels.put(Labels.CACHE_KEY, req.cacheKey());
        }
        long t = System.nanoTime();
        String id;
        try {
            id = createCmd(docker, req.spec(), agent, labels, hc).exec().getId();
        } catch (RuntimeException e) {
            // The image was there a moment ago; if it went since, the host-local failure sends the agent elsewhere.
            throw FailureClassifier.classify(e, host.name(), "creating container " + agent);
        }
        t = step(timings, listener, agent, Step.CREATED, t, ContainerExec.shortId(id));
        try {
            try {
                docker.startContainerCmd(id).exec();
            } catch (RuntimeException e) {
                throw FailureClassifier.classify(e, host.name(), "starting container " + agent);
            }
            t = step(timings, listener, agent, Step.STARTED, t, null);
            if (req.whileStarting() != null) {
                DockerChannel channel = new DockerChannel(host, id);
                Thread.ofVirtual().name("while-starting-" + agent).start(() -> req.whileStarting().run(channel));
            }
            String driver;
            try {
                // On the streaming client: the exec is silent until the inner Docker answers, which may take longer
                // than the API client's idle timeout; the wait is bounded by readyTimeout instead.
                driver = InnerDockerReadiness.await(ContainerExec.longRunning(host), id, req.readyTimeout());
            } catch (InnerDockerReadiness.NotReadyException e) {
                throw new ProvisioningException(FailureKind.INNER_DOCKER_NOT_READY, "the inner Docker of " + agent
                        + " on host '" + host.name() + "' did not answer within " + req.readyTimeout().toSeconds()
                        + " s (" + e.getMessage() + ")" + diagnostics(docker, id), null);
            } catch (RuntimeException e) {
                throw FailureClassifier.classify(e, host.name(), "waiting for the inner Docker of " + agent);
            }
            t = step(timings, listener, agent, Step.INNER_DOCKER_READY, t, "storage driver " + driver);
            if (lease.fresh() && req.cacheKey() != null && !req.cache().preloadImages().isEmpty()) {
                List<String> loaded = CacheWarmup.preload(host, id, req.cache().preloadImages());
                step(timings, listener, agent, Step.WARMED_UP, t, String.join("; ", loaded));
            }
            return new DockerAgent(req.identity(), host, id, lease, createdAt, timings);
        } catch (ProvisioningException | InterruptedException | RuntimeException e) {
            if (!removeQuietly(docker, id)) {
                host.leftBehind(id, agent); // removed when the host answers again (it may hold a cache volume)
            }
            throw e;
        }
    }

    static HostConfig hostConfig(SystemContainerSpec spec, String volume) {
        HostConfig hc = HostConfig.newHostConfig()
                .withRuntime(spec.runtime())
                .withPrivileged(false)
                .withNanoCPUs(Math.round(spec.cpus() * 1e9))
                .withMemory(spec.memoryBytes())
                .withPidsLimit(spec.pidsLimit())
                .withMounts(List.of(new Mount().withType(MountType.VOLUME).withSource(volume)
                        .withTarget(SecurityPolicy.CACHE_MOUNT_POINT)));
        if (spec.network() != null) {
            hc.withNetworkMode(spec.network());
        }
        return hc;
    }

    private static CreateContainerCmd createCmd(DockerClient docker, SystemContainerSpec spec, String name,
            Map<String, String> labels, HostConfig hc) {
        List<String> env = new ArrayList<>();
        spec.env().forEach((k, v) -> env.add(k + "=" + (v == null ? "" : v)));
        CreateContainerCmd cmd = docker.createContainerCmd(spec.image())
                .withName(name)
                .withLabels(labels)
                .withEnv(env)
                .withHostConfig(hc);
        if (spec.hostname() != null) {
            cmd.withHostName(spec.hostname());
        }
        if (spec.workingDir() != null) {
            cmd.withWorkingDir(spec.workingDir());
        }
        if (!spec.command().isEmpty()) {
            cmd.withCmd(spec.command());
        }
        if (spec.user() != null) {
            cmd.withUser(spec.user());
        }
        return cmd;
    }

    /** The container's last log lines and the inner dockerd's log tail, for a failure message. */
    static String diagnostics(DockerClient docker, String id) {
        StringBuilder sb = new StringBuilder("\n--- container log (last lines) ---\n");
        try (var logs = docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(15)
                .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Frame f) {
                        synchronized (sb) {
                            sb.append(new String(f.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                        }
                    }
                })) {
            logs.awaitCompletion(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (RuntimeException | java.io.IOException e) {
            sb.append("(unavailable: ").append(e.getMessage()).append(')');
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            ExecResult r = new ContainerExec(docker).run(id,
                    List.of("sh", "-c", "tail -n 15 /var/log/dockerd.log 2>&1"), Duration.ofSeconds(5));
            sb.append("\n--- inner dockerd log (last lines) ---\n").append(r.stdout().strip());
        } catch (RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            sb.append("\n(inner dockerd log unavailable: ").append(e.getMessage()).append(')');
        }
        return sb.toString();
    }

    /** Removes a container of ours, forced; false when the host did not let it (the reaper finds it by its labels). */
    static boolean removeQuietly(DockerClient docker, String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(false).exec();
            return true;
        } catch (NotFoundException | NotModifiedException e) {
            return true; // already gone
        } catch (RuntimeException e) {
            return false;
        }
    }

    static long step(List<ProvisioningEvent> timings, ProvisioningEvent.Listener listener, String agent, Step step,
            long startNanos, String detail) {
        long now = System.nanoTime();
        ProvisioningEvent e = new ProvisioningEvent(agent, step, Duration.ofNanos(now - startNanos), detail);
        timings.add(e);
        listener.onEvent(e);
        return now;
    }
}
