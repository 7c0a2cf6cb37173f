package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Turns what Docker or the transport threw into a {@link ProvisioningException} of the right {@link FailureKind}. */
public final class FailureClassifier {
    /** Docker's answer when a container names a network that does not exist ("network NAME not found"). */
    private static final Pattern MISSING_NETWORK = Pattern.compile("\\bnetwork \\S+ not found");

    private FailureClassifier() {
    }

    /** @param doing what was being attempted, for the message ("creating container x") */
    public static ProvisioningException classify(Throwable t, String hostName, String doing) {
        if (t instanceof ProvisioningException pe) {
            return pe;
        }
        String msg = String.valueOf(t.getMessage());
        String lower = msg.toLowerCase(Locale.ROOT);
        String where = " on host '" + hostName + "' while " + doing;
        if (lower.contains("unknown runtime specified") || lower.contains("unknown or invalid runtime name")) {
            return new ProvisioningException(FailureKind.RUNTIME_MISSING, "the runtime is not installed" + where
                    + ": " + msg.strip() + ". Install Sysbox on that host and check it with"
                    + " 'runtime-node/sysbox-node validate'", t);
        }
        if (isMissingImage(t)) {
            return new ProvisioningException(FailureKind.IMAGE_MISSING, "the image is missing" + where + ": "
                    + msg.strip() + ". Let the template pull it (pull policy), push it to a registry the host can"
                    + " pull from, load it on the host (docker load), or fix the template's image", t);
        }
        if (MISSING_NETWORK.matcher(msg).find()) {
            return new ProvisioningException(FailureKind.BAD_TEMPLATE, "field 'network': " + msg.strip() + where
                    + "; create the network on that host or fix the template", t);
        }
        if (isTransportFailure(t)) {
            return new ProvisioningException(FailureKind.HOST_UNAVAILABLE, "the Docker host did not answer" + where
                    + ": " + rootMessage(t), t);
        }
        if (t instanceof DockerException) {
            return new ProvisioningException(FailureKind.UNKNOWN, "Docker refused" + where + ": " + msg.strip(), t);
        }
        return new ProvisioningException(FailureKind.UNKNOWN, "unexpected failure" + where + ": " + rootMessage(t), t);
    }

    /** Docker's answer to a create whose image the host does not have. */
    static boolean isMissingImage(Throwable t) {
        return t instanceof NotFoundException && String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("no such image");
    }

    /** Connection refused, timeouts, TLS handshake failures, resets: the host, not the request, is the problem. */
    static boolean isTransportFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getClass().getSimpleName() + ": " + r.getMessage();
    }
}
