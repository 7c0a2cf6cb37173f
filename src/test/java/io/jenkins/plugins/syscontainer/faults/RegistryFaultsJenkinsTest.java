package io.jenkins.plugins.syscontainer.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import com.github.dockerjava.api.exception.NotFoundException;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.SystemContainerCloud;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.FaultyRegistryProxy;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.util.ArrayList;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A registry that has a bad day (the test registry behind a proxy that answers the first manifest requests with 429,
 * Docker Hub's rate limit, and 500): the agent image's pull fails, is tried again, and the build runs once the
 * registry answers. Nothing is suspended and no build is aborted for a hiccup that is not the template's fault.
 */
@WithJenkins
class RegistryFaultsJenkinsTest {
    @Test
    void aRegistryHiccupDelaysTheBuildButSuspendsNothing(JenkinsRule r) throws Exception {
        JenkinsDocker.require();
        DockerTestSupport.requireRegistry();
        SystemContainerCloud c = JenkinsDocker.cloud(r.jenkins);
        String scope = JenkinsDocker.scope(r.jenkins, c);
        try (FaultyRegistryProxy registry = new FaultyRegistryProxy("127.0.0.1", 5055)) {
            String image = registry.address() + "/sca/agent:latest";
            removeTag(image);
            SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                    CredentialsScope.GLOBAL, "registry", "test registry", DockerTestSupport.REGISTRY_USER,
                    DockerTestSupport.REGISTRY_PASSWORD));
            AgentTemplate t = c.getTemplates().get(0);
            t.setImage(image);
            t.setPullPolicy(AgentTemplate.PULL_IF_MISSING);
            t.setRegistryCredentialsId("registry");
            registry.failNext(429, 500);
            List<String> suspensions = new ArrayList<>();
            WorkflowJob p = r.createProject(WorkflowJob.class, "hiccup");
            p.setDefinition(new CpsFlowDefinition("systemContainerAgent(template: 'docker') { sh 'echo the-body-ran' }", true));
            WorkflowRun b = p.scheduleBuild2(0).waitForStart();
            while (b.isBuilding()) {
                c.getSuspensions().forEach(s -> suspensions.add(s.template() + ": " + s.suspension().reason()));
                Thread.sleep(200);
            }
            r.assertBuildStatusSuccess(b);
            r.assertLogContains("the-body-ran", b);
            r.assertLogContains("provisioning failed, will try again or elsewhere: [UNKNOWN]", b);
            // Docker's own daemon retries a 429 once before it gives up: the 500 after it is what fails the pull.
            r.assertLogContains("500 Internal Server Error", b);
            assertEquals(2, registry.faultsServed.get(), "both faults were served");
            assertEquals(List.of(), suspensions, "a registry hiccup suspended the template");
            assertTrue(c.engine().caches().stream().flatMap(s -> s.volumes().stream()).count() <= 4,
                    "no volume piled up for the failed pulls: " + c.engine().caches());
            FaultChecks.nothingLeft(r.jenkins, c);
            removeTag(image);
        } finally {
            JenkinsDocker.purge(scope);
        }
    }

    private static void removeTag(String image) {
        try {
            DockerTestSupport.client().removeImageCmd(image).exec();
        } catch (NotFoundException e) {
            // not there
        }
    }
}
