package io.jenkins.plugins.syscontainer.engine.cache;

/**
 * The exclusive right of one agent container to mount a volume at /var/lib/docker. Release it exactly once, when the
 * container is gone; {@code healthy=false} (the inner Docker failed, or the agent ended abnormally) means the volume
 * must never be handed out again.
 */
public interface VolumeLease {
    String volumeName();

    /** The host the volume lives on. */
    String hostName();

    /** Whether the volume was created for this lease (a cold cache) rather than reused. */
    boolean fresh();

    void release(boolean healthy);
}
