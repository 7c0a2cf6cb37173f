package io.jenkins.plugins.syscontainer.engine.cache;

import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;

/** Hands out {@link VolumeLease}s for agent containers: a cache pool, or a throw-away volume per agent. */
public interface VolumeProvider {
    /**
     * @param req the agent; its cache key names the pool to lease from (null: a throw-away volume)
     * @param forceFresh true to skip every existing volume (the retry after a volume was quarantined)
     */
    VolumeLease lease(VolumeStore host, ProvisionRequest req, boolean forceFresh) throws ProvisioningException;

    /** Volumes on {@code host} a new agent with {@code cacheKey} could reuse now (for cache-affine scheduling). */
    default int idleVolumes(String hostName, String cacheKey) {
        return 0;
    }
}
