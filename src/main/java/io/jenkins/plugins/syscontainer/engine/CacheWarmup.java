package io.jenkins.plugins.syscontainer.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
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
     * Makes each image present in the agent's inner Docker: skipped when already there; otherwise copied from the
     * host engine when it has the image (loaded there from a tar file or pulled by an administrator), otherwise
     * pulled by the inner Docker from its registry. Returns one line per image for the build log.
     */
    static List<String> preload(ManagedHost host, String containerId, List<String> images)
            throws ProvisioningException, InterruptedException {
        DockerClient docker = host.api();
        // Pulls and loads are silent for minutes: they run on the streaming client, bounded by their own deadlines.
        ContainerExec exec = ContainerExec.longRunning(host);
        List<String> done = new java.util.ArrayList<>();
        for (String image : images) {
            long t = System.nanoTime();
            if (exec.run(containerId, List.of("docker", "image", "inspect", "-f", "{{.Id}}", image), Duration.ofSeconds(30)).ok()) {
                done.add(image + ": already present");
                continue;
            }
            String how;
            ContainerExec.Result r;
            if (ImagePull.hasImage(docker, image)) {
                how = "copied from the host";
                try {
                    r = ImageTransfer.copyFromHost(host, containerId, image, Duration.ofMinutes(15));
                } catch (java.io.UncheckedIOException e) {
                    throw new ProvisioningException(FailureKind.UNKNOWN, e.getMessage() + ": " + e.getCause(), e);
                }
            } else {
                how = "pulled";
                r = exec.run(containerId, List.of("docker", "pull", "-q", image), Duration.ofMinutes(15));
            }
            if (!r.ok()) {
                throw new ProvisioningException(FailureKind.IMAGE_MISSING, "preloading " + image + " into the cache of "
                        + host.name() + " failed (" + how + "): " + (r.stderr() + r.stdout()).strip()
                        + ". Load it on the host (docker load -i FILE) or make its registry reachable");
            }
            done.add(image + ": " + how + " in " + (System.nanoTime() - t) / 1_000_000 + " ms");
        }
        return done;
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
        policy.verify(hc);
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
