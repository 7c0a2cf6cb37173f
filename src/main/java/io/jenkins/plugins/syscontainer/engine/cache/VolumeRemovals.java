package io.jenkins.plugins.syscontainer.engine.cache;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Volumes no agent needs any more (throw-away ones, and cache volumes dropped from their pool) whose removal failed
 * (the place did not answer, its engine was restarting, or a container left by a failed start still mounted it), by
 * place: tried again after each termination and reaper pass there, instead of waiting for the reaper's grace period.
 * A volume still mounted is never forced. One per engine's volume pools.
 */
final class VolumeRemovals {
    /** At most this many remembered per place; past it the reaper's pass over labels covers them. */
    static final int MAX_PER_PLACE = 1000;
    private final Map<String, Set<String>> unremoved = new ConcurrentHashMap<>();

    /** Removes the volume now, or remembers it to try again. */
    void remove(VolumeStore host, String name) {
        boolean gone;
        try {
            gone = host.remove(name); // never forced: false while something still mounts it
        } catch (RuntimeException e) {
            gone = false; // the place did not answer
        }
        Set<String> left = unremoved.computeIfAbsent(host.place(), k -> ConcurrentHashMap.newKeySet());
        if (gone) {
            left.remove(name);
        } else if (left.size() < MAX_PER_PLACE) {
            left.add(name);
        }
    }

    /** Tries again to remove this place's remembered volumes; returns those still left. */
    List<String> retry(VolumeStore host) {
        Set<String> left = unremoved.get(host.place());
        if (left == null || left.isEmpty()) {
            return List.of();
        }
        for (String name : List.copyOf(left)) {
            remove(host, name);
        }
        return List.copyOf(left);
    }
}
