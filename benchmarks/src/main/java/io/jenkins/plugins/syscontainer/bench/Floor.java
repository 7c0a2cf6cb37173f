package io.jenkins.plugins.syscontainer.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The physical floor: the same system container started with bare docker-java calls and no engine code (no policy,
 * no labels beyond one for cleanup, no leases, no scheduling), until its inner Docker answers. Readiness is detected
 * the cheapest way we know, a polling loop inside the container at 50 ms, so the floor is not slowed by its probe.
 */
final class Floor {
    static final String LABEL = "io.jenkins.syscontainer.bench";
    final DockerClient docker;

    Floor() {
        URI uri = URI.create("unix:///var/run/docker.sock");
        docker = DockerClientImpl.getInstance(
                DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(uri.toString()).build(),
                new ApacheDockerHttpClient.Builder().dockerHost(uri).maxConnections(100)
                        .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(120)).build());
    }

    /** Creates and starts a container on {@code volume}, waits for its inner Docker; returns its id. */
    String start(String image, String volume, String name) throws InterruptedException {
        HostConfig hc = HostConfig.newHostConfig().withRuntime("sysbox-runc").withPrivileged(false)
                .withNanoCPUs(2_000_000_000L).withMemory(1L << 30).withPidsLimit(16_384L)
                .withMounts(List.of(new Mount().withType(MountType.VOLUME).withSource(volume).withTarget("/var/lib/docker")));
        String id = docker.createContainerCmd(image).withName(name).withLabels(Map.of(LABEL, "floor"))
                .withHostConfig(hc).exec().getId();
        docker.startContainerCmd(id).exec();
        String wait = "until [ -S /var/run/docker.sock ] && [ -n \"$(docker info --format '{{.Driver}}' 2>/dev/null)\" ]; do sleep 0.05; done";
        String exec = docker.execCreateCmd(id).withCmd("sh", "-c", wait).withAttachStdout(true).withAttachStderr(true)
                .exec().getId();
        if (!docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("floor container " + name + " not ready in 120 s");
        }
        return id;
    }

    void remove(String id) {
        docker.removeContainerCmd(id).withForce(true).exec();
    }

    void removeVolume(String volume) {
        docker.removeVolumeCmd(volume).exec();
    }

    /** Removes every floor container and volume whose name contains {@code run} (this run made it), whatever its state. */
    void removeAll(String run) {
        for (var c : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, "floor")).exec()) {
            if (c.getNames() != null && c.getNames().length > 0 && c.getNames()[0].contains(run)) {
                try {
                    remove(c.getId());
                } catch (RuntimeException e) {
                    System.err.println("cleanup: container " + c.getNames()[0] + ": " + e.getMessage());
                }
            }
        }
        var vols = docker.listVolumesCmd().withFilter("label", List.of(LABEL + "=floor")).exec().getVolumes();
        for (var v : vols == null ? List.<com.github.dockerjava.api.command.InspectVolumeResponse>of() : vols) {
            if (v.getName().contains(run)) {
                try {
                    removeVolume(v.getName());
                } catch (RuntimeException e) {
                    System.err.println("cleanup: volume " + v.getName() + ": " + e.getMessage());
                }
            }
        }
    }

    void createVolume(String volume) {
        docker.createVolumeCmd().withName(volume).withLabels(Map.of(LABEL, "floor")).exec();
    }

    /**
     * {@code floor_cold} and {@code floor_warm} alone, interleaved, {@code reps} each (the warm volume has run one
     * container first), printed as JSON lines: the floors beside the Jenkins-side start benchmark. Removes what it
     * made, whatever happens.
     */
    static void coldAndWarm(String image, int reps) throws InterruptedException {
        Floor floor = new Floor();
        String run = java.util.UUID.randomUUID().toString().substring(0, 6);
        try {
            String warm = "bench-floor-warm-" + run;
            floor.createVolume(warm);
            floor.remove(floor.start(image, warm, "bench-floor-prep-" + run));
            Stats cold = new Stats("floor_cold");
            Stats warmS = new Stats("floor_warm");
            for (int i = 0; i < reps; i++) {
                String v = "bench-floor-cold-" + run + "-" + i;
                floor.createVolume(v);
                long t = System.nanoTime();
                String id = floor.start(image, v, "bench-floor-c-" + run + "-" + i);
                cold.add((System.nanoTime() - t) / 1e6);
                floor.remove(id);
                floor.removeVolume(v);
                t = System.nanoTime();
                id = floor.start(image, warm, "bench-floor-w-" + run + "-" + i);
                warmS.add((System.nanoTime() - t) / 1e6);
                floor.remove(id);
            }
            System.out.println(cold.json(null));
            System.out.println(warmS.json(null));
        } finally {
            floor.removeAll(run);
        }
    }
}
