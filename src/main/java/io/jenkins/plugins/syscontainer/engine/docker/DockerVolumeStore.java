package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.engine.cache.VolumeStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A Docker host's named volumes, for the cache pools. */
final class DockerVolumeStore implements VolumeStore {
    private final ManagedHost host;
    private final SecurityPolicy policy;
    private final String controllerId;

    DockerVolumeStore(ManagedHost host, SecurityPolicy policy, String controllerId) {
        this.host = host;
        this.policy = policy;
        this.controllerId = controllerId;
    }

    @Override
    public String place() {
        return host.name();
    }

    @Override
    public void create(String name, Map<String, String> labels) throws ProvisioningException {
        try {
            host.api().createVolumeCmd().withName(name).withLabels(labels).exec();
        } catch (RuntimeException e) {
            throw FailureClassifier.classify(e, host.name(), "creating volume " + name);
        }
    }

    @Override
    public void cloneFrom(String golden, String target, SystemContainerSpec spec) throws ProvisioningException {
        CacheWarmup.cloneGolden(host, policy, controllerId, golden, target, spec);
    }

    @Override
    public boolean remove(String name) {
        try {
            host.api().removeVolumeCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return true;
        } catch (ConflictException e) {
            return false; // in use: Docker refuses, which is what we want
        }
    }

    @Override
    public List<String> users(String name) throws ProvisioningException {
        try {
            List<String> ids = new ArrayList<>();
            host.api().listContainersCmd().withShowAll(true).withVolumeFilter(List.of(name)).exec()
                    .forEach(c -> ids.add(ContainerExec.shortId(c.getId())));
            return ids;
        } catch (RuntimeException e) {
            throw FailureClassifier.classify(e, host.name(), "checking who uses volume " + name);
        }
    }

    @Override
    public Map<String, Map<String, String>> list(Map<String, String> labels) {
        List<String> filter = new ArrayList<>();
        labels.forEach((k, v) -> filter.add(k + "=" + v));
        List<InspectVolumeResponse> vols = host.api().listVolumesCmd().withFilter("label", filter).exec().getVolumes();
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (InspectVolumeResponse v : vols == null ? List.<InspectVolumeResponse>of() : vols) {
            Map<String, String> l = v.getLabels() == null ? Map.of() : v.getLabels();
            // belt and braces: Docker's filter chose them, this check is ours
            if (l.entrySet().containsAll(labels.entrySet())) {
                out.put(v.getName(), l);
            }
        }
        return out;
    }

    @Override
    public Map<String, Long> sizes() throws IOException {
        return DiskUsage.volumeSizes(host);
    }
}
