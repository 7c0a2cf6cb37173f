package io.jenkins.plugins.syscontainer.engine;

import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.model.AuthConfig;
import java.util.concurrent.TimeUnit;

/**
 * Pulls an agent image onto a host's Docker engine, on the host's streaming client (a pull of a large image is long
 * and may be silent), bounded by the source's pull timeout. A pull that the registry refuses (unknown image, denied,
 * unauthorised) or that cannot reach the registry is an {@link FailureKind#IMAGE_MISSING}, with the registry's answer
 * in the message and never the credentials.
 */
final class ImagePull {
    private ImagePull() {
    }

    static void pull(ManagedHost host, String image, ImageSource source) throws ProvisioningException, InterruptedException {
        String[] nameAndTag = ImageReference.nameAndTag(image);
        PullImageCmd cmd = host.streaming().pullImageCmd(nameAndTag[0]);
        if (nameAndTag[1] != null) {
            cmd.withTag(nameAndTag[1]);
        }
        if (source.auth() != null) {
            cmd.withAuthConfig(new AuthConfig().withRegistryAddress(ImageReference.registry(image))
                    .withUsername(source.auth().username()).withPassword(source.auth().password()));
        }
        try (PullImageResultCallback cb = cmd.exec(new PullImageResultCallback())) {
            // awaitCompletion also throws when the pull's progress stream reported an error (denied, unknown image).
            if (!cb.awaitCompletion(source.pullTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ProvisioningException(FailureKind.IMAGE_MISSING, "pulling " + image + " on host '" + host.name()
                        + "' took longer than " + source.pullTimeout().toSeconds() + " s", null);
            }
        } catch (ProvisioningException | InterruptedException e) {
            throw e;
        } catch (java.io.IOException | RuntimeException e) {
            if (FailureClassifier.isTransportFailure(e) && !(e instanceof com.github.dockerjava.api.exception.DockerException)) {
                throw FailureClassifier.classify(e, host.name(), "pulling " + image);
            }
            throw new ProvisioningException(FailureKind.IMAGE_MISSING, "the image " + image + " could not be pulled on host '"
                    + host.name() + "'" + (source.auth() == null ? " (no registry credentials given)" : " as user '"
                    + source.auth().username() + "'") + ": " + String.valueOf(e.getMessage()).strip()
                    + ". Check the image name, the registry credentials, and that the host can reach "
                    + ImageReference.registry(image), e);
        }
    }
}
