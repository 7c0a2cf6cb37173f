package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ImageReference;
import io.jenkins.plugins.syscontainer.engine.ImageSource;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Pulls an agent image onto a host's Docker engine, on the host's streaming client (a pull of a large image is long
 * and may be silent), bounded by the source's pull timeout. Only the template's credentials are sent (the clients
 * never offer the controller's own, see {@link NoAmbientCredentials}), and no message ever holds the password.
 *
 * <p>A refusal by the registry (unknown image or tag, denied, unauthorised) is {@link FailureKind#IMAGE_MISSING}: the
 * template is wrong and retrying will not help. Anything else (the registry unreachable from this host, a timeout, a
 * server error) may pass or work on another host, so it is {@link FailureKind#UNKNOWN}, which is tried elsewhere.
 */
final class ImagePull {
    private static final Pattern REFUSED = Pattern.compile(
            "unauthorized|denied|forbidden|authentication required|no basic auth credentials|manifest unknown|not found"
                    + "|repository does not exist|no such image|invalid reference");

    private ImagePull() {
    }

    static void pull(ManagedHost host, String image, ImageSource source) throws ProvisioningException, InterruptedException {
        String[] nameAndTag = ImageReference.nameAndTag(image);
        PullImageCmd cmd = host.streaming().pullImageCmd(nameAndTag[0]);
        if (nameAndTag[1] != null) {
            cmd.withTag(nameAndTag[1]);
        }
        cmd.withAuthConfig(source.auth() == null ? null : new AuthConfig()
                .withRegistryAddress(ImageReference.registry(image))
                .withUsername(source.auth().username()).withPassword(source.auth().password()));
        Progress progress = new Progress();
        try (Progress cb = cmd.exec(progress)) {
            if (!cb.awaitCompletion(source.pullTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw failure(host, image, source, "no answer within " + source.pullTimeout().toSeconds() + " s"
                        + (cb.lastStatus == null ? "" : " (last: " + cb.lastStatus + ")"), null);
            }
        } catch (ProvisioningException | InterruptedException e) {
            throw e;
        } catch (java.io.IOException | RuntimeException e) {
            if (FailureClassifier.isTransportFailure(e) && !(e instanceof DockerException)) {
                throw FailureClassifier.classify(e, host.name(), "pulling " + image);
            }
            throw failure(host, image, source, String.valueOf(e.getMessage()).strip(), e);
        }
        if (progress.error != null) {
            throw failure(host, image, source, progress.error, null);
        }
    }

    /** Whether the host's engine has the image. */
    static boolean hasImage(com.github.dockerjava.api.DockerClient docker, String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return false;
        }
    }

    private static ProvisioningException failure(ManagedHost host, String image, ImageSource source, String why,
            Throwable cause) {
        String lower = why.toLowerCase(Locale.ROOT);
        FailureKind kind = REFUSED.matcher(lower).find() && !lower.contains("toomanyrequests")
                ? FailureKind.IMAGE_MISSING : FailureKind.UNKNOWN;
        return new ProvisioningException(kind, "the image " + image + " could not be pulled on host '" + host.name()
                + "'" + (source.auth() == null ? " (no registry credentials given)" : " as user '"
                + source.auth().username() + "'") + ": " + why + ". Check the image name, the registry credentials,"
                + " and that the host can reach " + ImageReference.registry(image), cause);
    }

    /** Collects the pull's progress stream: the last status line and the first error the daemon reported in it. */
    private static final class Progress extends ResultCallback.Adapter<PullResponseItem> {
        volatile String lastStatus;
        volatile String error;

        @Override
        public void onNext(PullResponseItem item) {
            if (item.getStatus() != null) {
                lastStatus = item.getStatus();
            }
            if (error == null && item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
                error = item.getErrorDetail().getMessage();
            } else if (error == null && item.getError() != null) {
                error = item.getError();
            }
        }
    }
}
