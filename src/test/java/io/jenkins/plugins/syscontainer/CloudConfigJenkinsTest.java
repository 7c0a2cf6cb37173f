package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import hudson.model.Node;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.FormValidation;
import io.jenkins.plugins.syscontainer.engine.docker.DockerHost;
import java.util.List;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import org.springframework.security.access.AccessDeniedException;

/** The cloud's configuration page keeps every field; the template form checks tell good values from bad ones. */
@WithJenkins
class CloudConfigJenkinsTest {
    /** Two hosts and two templates, with values other than the defaults wherever the form has a field. */
    static SystemContainerCloud cloud() {
        DockerHostEntry tls = new DockerHostEntry("build-1", "tcp://build-1.example.com:2376");
        tls.setCredentialsId("build-1-docker-tls");
        tls.setMaxAgents(7);
        tls.setCacheBudgetGb(250);
        tls.setConnectTimeoutSeconds(9);
        tls.setResponseTimeoutSeconds(90);
        DockerHostEntry local = new DockerHostEntry("local", "unix:///run/docker-2.sock");
        local.setMaxAgents(3);
        AgentTemplate docker = new AgentTemplate("docker");
        docker.setLabelString("docker linux");
        docker.setImage("registry.example.com/ci/agent:7");
        docker.setCpus(3.5);
        docker.setMemoryMb(6144);
        docker.setPidsLimit(8192);
        docker.setCacheKey("shared");
        docker.setCacheMaxVolumes(6);
        docker.setIdleMinutes(15);
        docker.setNumExecutors(2);
        docker.setInstanceCap(5);
        docker.setCacheIdleDays(3);
        docker.setGoldenVolume("docker-golden");
        docker.setKeepQuarantined(true);
        docker.setAllowInPipelines(true);
        docker.setPullPolicy(AgentTemplate.PULL_ALWAYS);
        AgentTemplate maven = new AgentTemplate("maven");
        maven.setMode(Node.Mode.NORMAL);
        maven.setRuntime("sysbox-runc-2");
        maven.setEnv("MAVEN_OPTS=-Xmx2g");
        maven.setPreloadImages("maven:3-eclipse-temurin-21");
        maven.setRemoteFs("/srv/agent");
        maven.setCacheKey("none");
        maven.setReadyTimeoutSeconds(90);
        maven.setLaunchTimeoutSeconds(300);
        maven.setLaunchMethod(AgentTemplate.LAUNCH_INBOUND_WEBSOCKET);
        SystemContainerCloud c = new SystemContainerCloud("sysbox");
        c.setHosts(List.of(tls, local));
        c.setTemplates(List.of(docker, maven));
        c.setMaxAgents(12);
        c.setAllowedRuntimes("sysbox-runc,sysbox-runc-2");
        c.setReaperGraceMinutes(25);
        c.setJenkinsUrl("http://jenkins.internal:8080/");
        return c;
    }

    @Test
    void theConfigurationPageKeepsEveryField(JenkinsRule r) throws Exception {
        SystemContainerCloud before = cloud();
        r.jenkins.clouds.add(before);
        r.jenkins.save();
        // JenkinsRule.configRoundtrip(Cloud) still posts to configureClouds/, which Jenkins 2.555 no longer has.
        r.submit(r.createWebClient().goTo("cloud/sysbox/configure").getFormByName("config"));
        SystemContainerCloud after = (SystemContainerCloud) r.jenkins.getCloud("sysbox");
        assertNotSame(before, after, "the form was not submitted");
        r.assertEqualDataBoundBeans(before, after);
    }

    @Test
    @SuppressWarnings("try") // the ACLContexts are only closed
    void templateFormChecksAreForAdministratorsAndNameBadValues(JenkinsRule r) throws Exception {
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ).everywhere().to("dev"));
        AgentTemplateDescriptor d = r.jenkins.getDescriptorByType(AgentTemplateDescriptor.class);
        try (ACLContext as = ACL.as(User.getById("admin", true))) {
            assertEquals(FormValidation.Kind.OK, d.doCheckImage("registry.example.com/ci/agent:7", "ifMissing", null).kind);
            assertEquals(FormValidation.Kind.ERROR, d.doCheckImage("bad image!!", "never", "ci").kind);
            assertEquals(FormValidation.Kind.OK, d.doCheckMemoryMb(4096).kind);
            assertEquals(FormValidation.Kind.ERROR, d.doCheckMemoryMb(10).kind);
        }
        try (ACLContext as = ACL.as(User.getById("dev", true))) {
            assertThrows(AccessDeniedException.class, () -> d.doCheckImage("debian:13", "ifMissing", null));
        }
    }

    /** A configuration saved by an earlier version (no field added since) loads with every field at its default. */
    @Test
    void settingsSavedBeforeNewerFieldsGetTheirDefaults(JenkinsRule r) {
        String xml = "<io.jenkins.plugins.syscontainer.SystemContainerCloud><name>old</name><hosts>"
                + "<io.jenkins.plugins.syscontainer.DockerHostEntry><name>h</name><uri>unix:///var/run/docker.sock</uri>"
                + "</io.jenkins.plugins.syscontainer.DockerHostEntry></hosts><templates>"
                + "<io.jenkins.plugins.syscontainer.AgentTemplate><name>t</name></io.jenkins.plugins.syscontainer.AgentTemplate>"
                + "</templates></io.jenkins.plugins.syscontainer.SystemContainerCloud>";
        SystemContainerCloud c = (SystemContainerCloud) Jenkins.XSTREAM2.fromXML(xml);
        assertEquals(List.of("old", "", "sysbox-runc", 10), List.of(c.getCloudId(), c.getJenkinsUrl(), c.getAllowedRuntimes(),
                c.getReaperGraceMinutes()), "the cloud's id is its name, as the scope was before ids");
        DockerHostEntry h = c.getHosts().get(0);
        assertEquals(List.of(io.jenkins.plugins.syscontainer.engine.docker.DockerHost.DEFAULT_MAX_AGENTS, 100,
                (int) io.jenkins.plugins.syscontainer.engine.docker.DockerHost.DEFAULT_CONNECT_TIMEOUT.toSeconds(),
                (int) io.jenkins.plugins.syscontainer.engine.docker.DockerHost.DEFAULT_RESPONSE_TIMEOUT.toSeconds()),
                List.of(h.getMaxAgents(), h.getCacheBudgetGb(), h.getConnectTimeoutSeconds(), h.getResponseTimeoutSeconds()));
        AgentTemplate t = c.getTemplates().get(0);
        assertEquals(List.of(Node.Mode.EXCLUSIVE, AgentTemplate.PULL_IF_MISSING, "", AgentTemplate.LAUNCH_ATTACH, 7, "", "",
                AgentTemplate.DEFAULT_IMAGE, "sysbox-runc", AgentTemplate.DEFAULT_REMOTE_FS, 1),
                List.of(t.getMode(), t.getPullPolicy(), t.getPipelineImages(), t.getLaunchMethod(), t.getCacheIdleDays(),
                        t.getGoldenVolume(), t.getRegistryCredentialsId(), t.getImage(), t.getRuntime(), t.getRemoteFs(),
                        t.getNumExecutors()));
        assertEquals(null, t.problem(), "an old template still makes a valid request");
    }
}
