package io.jenkins.plugins.syscontainer.engine.cache;

import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The volumes of one place (a Docker host), as the cache pools need them: create, seed from a golden volume, remove,
 * ask who mounts one, list by label, measure. The pools decide; a backend ({@code engine.docker}) does the I/O.
 */
public interface VolumeStore {
    /** The place's name, as pools and leases know it. */
    String place();

    /** Creates an empty volume with these labels. */
    void create(String name, Map<String, String> labels) throws ProvisioningException;

    /** Copies the content of {@code golden} into {@code target}, under the same runtime and policy as agents. */
    void cloneFrom(String golden, String target, SystemContainerSpec spec) throws ProvisioningException;

    /** Removes a volume; true when it is gone, false when something still mounts it (never forced). */
    boolean remove(String name);

    /** Containers of any state that mount the volume (their short ids); empty when none does. */
    List<String> users(String name) throws ProvisioningException;

    /** The volumes carrying every one of these labels: name to all of its labels. */
    Map<String, Map<String, String>> list(Map<String, String> labels);

    /** Volume sizes in bytes, as the place measures them (an expensive walk: callers refresh on a schedule). */
    Map<String, Long> sizes() throws IOException;
}
