package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import java.util.ArrayList;
import java.util.List;

/** The security policy's last word on Docker's own request, whatever code built it. */
final class HostConfigPolicy {
    private HostConfigPolicy() {
    }

    /**
     * Last check of the Docker request itself, right before it is sent: whatever built it, a request that is
     * privileged, uses host namespaces, binds host paths, adds devices or capabilities, or names a runtime outside
     * the allowlist never reaches Docker.
     */
    static void verify(SecurityPolicy policy, HostConfig hc) throws ProvisioningException {
        List<String> bad = new ArrayList<>();
        if (Boolean.TRUE.equals(hc.getPrivileged())) {
            bad.add("privileged");
        }
        if (!policy.allowedRuntimes().contains(hc.getRuntime())) {
            bad.add("runtime " + hc.getRuntime());
        }
        if (notEmpty(hc.getPidMode()) || notEmpty(hc.getIpcMode()) || notEmpty(hc.getUtSMode())
                || notEmpty(hc.getUsernsMode())) {
            bad.add("namespace mode");
        }
        String network = hc.getNetworkMode();
        if (network != null && (network.equals("host") || network.startsWith("container:"))) {
            bad.add("network mode " + network);
        }
        var binds = hc.getBinds();
        if (binds != null && binds.length > 0) {
            bad.add("binds");
        }
        var volumesFrom = hc.getVolumesFrom();
        if (volumesFrom != null && volumesFrom.length > 0) {
            bad.add("volumes-from");
        }
        var devices = hc.getDevices();
        if (devices != null && devices.length > 0) {
            bad.add("devices");
        }
        var capAdd = hc.getCapAdd();
        if (capAdd != null && capAdd.length > 0) {
            bad.add("cap-add");
        }
        var securityOpts = hc.getSecurityOpts();
        if (securityOpts != null && !securityOpts.isEmpty()) {
            bad.add("security options");
        }
        var mounts = hc.getMounts();
        if (mounts != null) {
            for (Mount m : mounts) {
                if (m.getType() != MountType.VOLUME && m.getType() != MountType.TMPFS) {
                    bad.add("mount of type " + m.getType() + " at " + m.getTarget());
                }
            }
        }
        if (!bad.isEmpty()) {
            throw new ProvisioningException(FailureKind.BAD_TEMPLATE, "refusing to create a container with "
                    + String.join(", ", bad));
        }
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
