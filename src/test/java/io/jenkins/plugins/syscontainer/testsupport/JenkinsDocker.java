package io.jenkins.plugins.syscontainer.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.DockerHostEntry;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.engine.Labels;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jenkins.model.Jenkins;

/**
 * A cloud on the local Docker for JenkinsRule tests (real Jenkins, real Docker, real Sysbox), and checks that it
 * leaves nothing behind. Each test's Jenkins has an instance id of its own, so the Docker labels it writes are its own.
 */
public final class JenkinsDocker {
    private JenkinsDocker() {
    }

    /** Skips (or fails in CI) unless Docker, the agent and busybox images and the real Sysbox runtime are there. */
    public static DockerClient require() {
        DockerClient d = DockerTestSupport.client();
        DockerTestSupport.requireImage(DockerTestSupport.AGENT_IMAGE);
        DockerTestSupport.requireImage(DockerTestSupport.TINY_IMAGE);
        DockerTestSupport.requireRealSysbox();
        return d;
    }

    /**
     * Cloud "ci" on the local engine with template "docker" (label {@code docker}, one build per agent, offered to
     * pipelines, busybox preloaded into new cache volumes so inner containers need no registry), added to Jenkins.
     */
    public static SystemContainerCloud cloud(Jenkins j) throws Exception {
        AgentTemplate t = template("docker");
        SystemContainerCloud c = new SystemContainerCloud("ci");
        c.setHosts(List.of(new DockerHostEntry("local", "unix:///var/run/docker.sock")));
        c.setTemplates(List.of(t));
        j.clouds.add(c);
        j.save();
        return c;
    }

    public static AgentTemplate template(String name) {
        AgentTemplate t = new AgentTemplate(name);
        t.setLabelString(name);
        t.setImage(DockerTestSupport.AGENT_IMAGE);
        t.setMemoryMb(2048);
        t.setAllowInPipelines(true);
        t.setPreloadImages(DockerTestSupport.TINY_IMAGE);
        t.setPullPolicy(AgentTemplate.PULL_NEVER);
        return t;
    }

    /** This controller's containers of a cloud, running or not. */
    public static List<Container> containers(String scope) {
        return DockerTestSupport.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.CONTROLLER, scope)).exec();
    }

    /** This controller's volumes of a cloud (cache and throw-away). */
    public static List<String> volumes(String scope) {
        var v = DockerTestSupport.client().listVolumesCmd().withFilter("label", List.of(Labels.CONTROLLER + "=" + scope))
                .exec().getVolumes();
        return v == null ? List.of() : v.stream().map(x -> x.getName()).toList();
    }

    /** Waits (bounded) until the cloud has no container left: terminations run in the background. */
    public static void awaitNoContainers(String scope, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!containers(scope).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(List.of(), containers(scope).stream().map(c -> c.getNames()[0] + " " + c.getState()).toList(),
                "containers left behind");
    }

    /** Removes whatever a test left of this scope (containers, then volumes), so the next test starts clean. */
    public static void purge(String scope) {
        DockerClient d = DockerTestSupport.client();
        for (Container c : containers(scope)) {
            d.removeContainerCmd(c.getId()).withForce(true).exec();
        }
        var vols = d.listVolumesCmd().withFilter("label", List.of(Labels.CONTROLLER + "=" + scope)).exec().getVolumes();
        if (vols != null) {
            vols.forEach(v -> d.removeVolumeCmd(v.getName()).exec());
        }
    }

    /** The Docker label scope of a cloud in this Jenkins. */
    public static String scope(Jenkins j, SystemContainerCloud c) {
        return j.getLegacyInstanceId() + "." + c.getCloudId();
    }
}
