package io.jenkins.plugins.syscontainer.engine;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Copies an image from the host's Docker into a system container's inner Docker: {@code docker save} on the host,
 * spooled to a temporary file (the exec input must be size-delimited, and images can be large), then streamed
 * through an exec into {@code docker load}. No registry is needed.
 */
public final class ImageTransfer {
    private ImageTransfer() {
    }

    /** On a managed host: the silent {@code docker load} runs on the host's streaming client. */
    public static ContainerExec.Result copyFromHost(ManagedHost host, String containerId, String image, Duration timeout)
            throws InterruptedException {
        return copy(host.api(), ContainerExec.longRunning(host), containerId, image, timeout);
    }

    /** The exec's result; the caller decides what a failure means. */
    public static ContainerExec.Result copyFromHost(DockerClient docker, String containerId, String image, Duration timeout)
            throws InterruptedException {
        return copy(docker, new ContainerExec(docker), containerId, image, timeout);
    }

    private static ContainerExec.Result copy(DockerClient docker, ContainerExec exec, String containerId, String image,
            Duration timeout) throws InterruptedException {
        Path tar = null;
        try {
            tar = Files.createTempFile("sca-image-", ".tar");
            try (InputStream in = docker.saveImageCmd(image).exec()) {
                Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
            }
            long size = Files.size(tar);
            try (InputStream in = Files.newInputStream(tar)) {
                return exec.runWithInput(containerId,
                        ContainerExec.shellWithInput(size, "docker load -q"), null, in, timeout);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + image + " from the host into " + ContainerExec.shortId(containerId), e);
        } finally {
            if (tar != null) {
                try {
                    Files.deleteIfExists(tar);
                } catch (IOException e) {
                    java.util.logging.Logger.getLogger(ImageTransfer.class.getName()).warning(
                            "could not delete the temporary image archive " + tar + ": " + e.getMessage());
                }
            }
        }
    }
}
