package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.Labels;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fills a new cache volume before its agent is handed out: either by loading images into the agent's inner Docker
 * ({@link #preload}), or by cloning a designated golden volume into it with a short-lived helper container
 * ({@link #cloneGolden}).
 */
final class CacheWarmup {
    static final String GOLDEN_MOUNT = "/sca-golden";

    private CacheWarmup() {
    }

    /**
     * Makes each image present in the agent's inner Docker, skipping those already there. On a local host (a unix
     * socket) an image the host has is streamed from the host's engine (no registry needed, nothing on the
     * controller's disk) and others are pulled by the inner Docker. On a remote host the inner Docker pulls first (a
     * registry or mirror near the host; the controller's network is not crossed), and only when that fails is the
     * host's copy streamed through the controller. Returns one line per image for the build log.
     */
    static List<String> preload(ManagedHost host, String containerId, List<String> images)
            throws ProvisioningException, InterruptedException {
        DockerClient docker = host.api();
        // Pulls and loads are silent for minutes: they run on the streaming client, bounded by their own deadlines.
        ContainerExec exec = ContainerExec.longRunning(host);
        boolean local = "unix".equals(host.config().uri().getScheme());
        List<String> done = new java.util.ArrayList<>();
        for (String image : images) {
            long t = System.nanoTime();
            if (exec.run(containerId, List.of("docker", "image", "inspect", "-f", "{{.Id}}", image), Duration.ofSeconds(30)).ok()) {
                done.add(image + ": already present");
                continue;
            }
            String how;
            ExecResult r;
            try {
                boolean onHost = ImagePull.hasImage(docker, image);
                if (local && onHost) {
                    how = "copied from the host";
                    r = copy(host, containerId, image);
                } else {
                    how = "pulled";
                    r = exec.run(containerId, List.of("docker", "pull", "-q", image), PRELOAD_TIMEOUT);
                    if (!r.ok() && onHost) {
                        how = "pull failed (" + firstLine(r) + "), copied from the host";
                        r = copy(host, containerId, image);
                    }
                }
            } catch (ExecResult.TimeoutException e) {
                throw new ProvisioningException(FailureKind.UNKNOWN, "preloading " + image + " into the cache on host '"
                        + host.name() + "' timed out: " + e.getMessage(), e);
            }
            if (!r.ok()) {
                throw preloadFailure(host.name(), image, how, (r.stderr() + r.stdout()).strip());
            }
            done.add(image + ": " + how + " in " + (System.nanoTime() - t) / 1_000_000 + " ms");
        }
        return done;
    }

    static final Duration PRELOAD_TIMEOUT = Duration.ofMinutes(15);
    /** What a registry says when the image does not exist or may not be read: the template (or its list) is wrong. */
    private static final java.util.regex.Pattern REFUSED = java.util.regex.Pattern.compile(
            "manifest unknown|not found|pull access denied|unauthorized|denied|repository does not exist"
                    + "|invalid reference|no such image");

    /**
     * A preload that failed: a registry's refusal is IMAGE_MISSING (another host gets the same answer, so once every
     * host refused, the template is suspended); anything else (a rate limit, the network, a server error) is
     * transient, tried elsewhere and later, and suspends nothing.
     */
    static ProvisioningException preloadFailure(String host, String image, String how, String output) {
        boolean refused = REFUSED.matcher(output.toLowerCase(java.util.Locale.ROOT)).find()
                && !output.toLowerCase(java.util.Locale.ROOT).contains("toomanyrequests");
        return new ProvisioningException(refused ? FailureKind.IMAGE_MISSING : FailureKind.UNKNOWN, "preloading " + image
                + " into the cache on host '" + host + "' failed (" + how + "): " + output
                + (refused ? ". Check the name in the template's preload list, or load it on the host (docker load -i FILE)"
                        : ". This looks transient (registry or network); it is tried again, on another host if there is one"));
    }

    private static ExecResult copy(ManagedHost host, String containerId, String image) throws InterruptedException,
            ProvisioningException {
        try {
            return ImageTransfer.copyFromHost(host, containerId, image, PRELOAD_TIMEOUT);
        } catch (java.io.UncheckedIOException e) {
            throw new ProvisioningException(FailureKind.UNKNOWN, e.getMessage() + ": " + e.getCause(), e);
        }
    }

    private static String firstLine(ExecResult r) {
        String out = (r.stderr() + r.stdout()).strip();
        int nl = out.indexOf('\n');
        return nl < 0 ? out : out.substring(0, nl);
    }

    /**
     * Copies the golden volume's content into {@code target} with a helper container from the agent image, under the
     * same runtime and policy as agents (the golden volume is mounted read-only). The golden volume must not be in
     * use, or the copy could catch its inner Docker mid-write.
     */
    static void cloneGolden(ManagedHost host, SecurityPolicy policy, String controllerId, String golden, String target,
            SystemContainerSpec spec) throws ProvisioningException {
        DockerClient docker = host.api();
        if (!docker.listContainersCmd().withShowAll(true).withVolumeFilter(List.of(golden)).exec().isEmpty()) {
            throw new ProvisioningException(FailureKind.UNKNOWN, "golden volume " + golden + " on " + host.name()
                    + " is mounted by a container; stop it before new cache volumes can be cloned from it");
        }
        try {
            docker.inspectVolumeCmd(golden).exec();
        } catch (NotFoundException e) {
            throw new ProvisioningException(FailureKind.BAD_TEMPLATE, "field 'goldenVolume': volume " + golden
                    + " does not exist on host " + host.name(), e);
        }
        HostConfig hc = HostConfig.newHostConfig().withRuntime(spec.runtime()).withPrivileged(false)
                .withMemory(512L << 20).withPidsLimit(256L)
                .withMounts(List.of(
                        new Mount().withType(MountType.VOLUME).withSource(golden).withTarget(GOLDEN_MOUNT).withReadOnly(true),
                        new Mount().withType(MountType.VOLUME).withSource(target).withTarget(SecurityPolicy.CACHE_MOUNT_POINT)));
        HostConfigPolicy.verify(policy, hc);
        String id = docker.createContainerCmd(spec.image())
                .withLabels(Map.of(Labels.ROLE, "helper", Labels.CONTROLLER, controllerId, Labels.CACHE_VOLUME, target))
                .withEntrypoint("sh", "-c", "cp -a " + GOLDEN_MOUNT + "/. " + SecurityPolicy.CACHE_MOUNT_POINT + "/")
                .withHostConfig(hc).exec().getId();
        try {
            docker.startContainerCmd(id).exec();
            Integer code = host.streaming().waitContainerCmd(id).start().awaitStatusCode(15, TimeUnit.MINUTES);
            if (code == null || code != 0) {
                String logs = AgentProvisioner.diagnostics(docker, id);
                throw new ProvisioningException(FailureKind.UNKNOWN, "cloning golden volume " + golden + " into " + target
                        + " exited with " + code + logs);
            }
        } finally {
            AgentProvisioner.removeQuietly(docker, id);
        }
    }
}
