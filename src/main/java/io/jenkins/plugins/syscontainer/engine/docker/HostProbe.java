package io.jenkins.plugins.syscontainer.engine.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Info;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.ExecResult;
import io.jenkins.plugins.syscontainer.engine.ProbeResult.Check;
import io.jenkins.plugins.syscontainer.engine.ProbeResult.Status;
import io.jenkins.plugins.syscontainer.engine.ProbeResult;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.ProvisioningEvent;
import io.jenkins.plugins.syscontainer.engine.ProvisioningException;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The host checks behind the cloud's "Test connection" button and the CLI's {@code probe}: the engine answers, the
 * runtime is registered, the image is there, a probe system container starts and its inner Docker answers, and the
 * container runs in a user namespace (an identity uid_map means the runtime is not Sysbox and isolates nothing).
 * The probe container goes through the same policy and provisioning path as an agent, and is removed afterwards.
 */
final class HostProbe {
    /** The identity map: container uid 0 is host uid 0 for the whole range. */
    static boolean isIdentityMap(String uidMap) {
        String[] f = uidMap.trim().split("\\s+");
        return f.length == 3 && f[0].equals("0") && f[1].equals("0") && f[2].equals("4294967295");
    }

    private HostProbe() {
    }

    static ProbeResult probe(DockerBackend engine, String hostName, SystemContainerSpec spec,
            Duration readyTimeout) throws InterruptedException {
        ManagedHost host = engine.host(hostName);
        List<Check> checks = new ArrayList<>();
        DockerClient docker = host.api();
        Info info;
        try {
            info = docker.infoCmd().exec();
            checks.add(new Check("engine answers", Status.PASS, "Docker " + info.getServerVersion() + ", storage driver "
                    + info.getDriver() + ", kernel " + info.getKernelVersion()));
        } catch (RuntimeException e) {
            checks.add(new Check("engine answers", Status.FAIL, FailureClassifier.classify(e, hostName, "probing").getMessage()));
            return new ProbeResult(hostName, checks);
        }
        Map<String, ?> runtimes = info.getRuntimes();
        if (runtimes == null || !runtimes.containsKey(spec.runtime())) {
            checks.add(new Check("runtime registered", Status.FAIL, "runtime '" + spec.runtime() + "' is not registered"
                    + " (have " + (runtimes == null ? "none" : runtimes.keySet()) + "); install Sysbox and run"
                    + " 'runtime-node/sysbox-node validate' on this host"));
            return new ProbeResult(hostName, checks);
        }
        checks.add(new Check("runtime registered", Status.PASS, spec.runtime()));
        try {
            docker.inspectImageCmd(spec.image()).exec();
            checks.add(new Check("image present", Status.PASS, spec.image()));
        } catch (NotFoundException e) {
            checks.add(new Check("image present", Status.FAIL, "image " + spec.image() + " is not on the host"));
            return new ProbeResult(hostName, checks);
        }

        AgentIdentity id = new AgentIdentity(engine.controllerId(), "probe", "probe",
                "sca-probe-" + UUID.randomUUID().toString().substring(0, 8));
        DockerAgent c = null;
        try {
            c = engine.provision(new ProvisionRequest(id, spec, null, readyTimeout), ProvisioningEvent.Listener.NONE);
            checks.add(new Check("system container starts, inner Docker answers", Status.PASS,
                    "ready in " + c.provisioningTime().toMillis() + " ms (" + c.timings().get(c.timings().size() - 1).detail() + ")"));
            ExecResult uid = new ContainerExec(docker).run(c.containerId(), List.of("cat", "/proc/self/uid_map"),
                    null, null, Duration.ofSeconds(10));
            String map = uid.stdout().strip().replaceAll("\\s+", " ");
            if (!uid.ok()) {
                checks.add(new Check("user namespace", Status.FAIL, "cannot read /proc/self/uid_map: " + uid.stderr().strip()));
            } else if (isIdentityMap(map)) {
                checks.add(new Check("user namespace", Status.FAIL, "not isolated: this runtime is not Sysbox"
                        + " (uid_map is the identity map '" + map + "': container root is host root)"));
            } else {
                checks.add(new Check("user namespace", Status.PASS, "uid_map '" + map + "'"));
            }
        } catch (ProvisioningException e) {
            checks.add(new Check("system container starts, inner Docker answers", Status.FAIL, e.getMessage()));
        } finally {
            if (c != null) {
                engine.terminate(c, false, ProvisioningEvent.Listener.NONE);
            }
        }
        return new ProbeResult(hostName, checks);
    }
}
