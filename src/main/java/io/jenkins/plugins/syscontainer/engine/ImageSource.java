package io.jenkins.plugins.syscontainer.engine;

import java.time.Duration;

/**
 * Where an agent's image comes from when the host lacks it: whether to pull (never, when missing, or before every
 * agent), with which registry credentials, and for how long at most. The credentials go to the host's Docker engine
 * only, in the pull request's auth header; they never reach a container, its environment, command or labels.
 */
public record ImageSource(PullPolicy policy, RegistryAuth auth, Duration pullTimeout) {
    public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(10);
    /** Pull when the host lacks the image, anonymously. */
    public static final ImageSource DEFAULT = new ImageSource(PullPolicy.IF_MISSING, null, DEFAULT_PULL_TIMEOUT);

    public enum PullPolicy {
        /** Never pull: the image must be on the host (loaded, or pulled by an administrator). */
        NEVER,
        /** Pull only when the host does not have the image (the default; fast: no registry call when it is there). */
        IF_MISSING,
        /** Pull before every agent, so a moving tag is always current (a registry call per agent). */
        ALWAYS
    }

    /** A registry user and password (or token). {@link #toString} never shows the password. */
    public record RegistryAuth(String username, String password) {
        public RegistryAuth {
            if (username == null || username.isBlank() || password == null) {
                throw new IllegalArgumentException("registry credentials need a user name and a password");
            }
        }

        @Override
        public String toString() {
            return "RegistryAuth[" + username + ", password hidden]";
        }
    }

    public ImageSource {
        if (policy == null) {
            policy = PullPolicy.IF_MISSING;
        }
        if (pullTimeout == null) {
            pullTimeout = DEFAULT_PULL_TIMEOUT;
        }
        if (pullTimeout.isNegative() || pullTimeout.isZero() || pullTimeout.compareTo(Duration.ofHours(2)) > 0) {
            throw new IllegalArgumentException("pullTimeout must be between 1 s and 2 h, not " + pullTimeout);
        }
    }
}
