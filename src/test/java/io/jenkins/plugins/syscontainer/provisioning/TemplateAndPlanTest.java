package io.jenkins.plugins.syscontainer.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.DockerHostEntry;
import io.jenkins.plugins.syscontainer.TemplateValidation;
import io.jenkins.plugins.syscontainer.agent.InboundWebSocketLauncher;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.CacheSettings;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.engine.ImageSource;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import io.jenkins.plugins.syscontainer.engine.SecurityPolicy;
import io.jenkins.plugins.syscontainer.engine.SystemContainerSpec;
import io.jenkins.plugins.syscontainer.testsupport.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adapter's decisions that need no Jenkins: template translation and validation, caps, failure reactions. */
class TemplateAndPlanTest {
    private static final AgentIdentity ID = new AgentIdentity("ctrl", "cloud", "maven", "sca-maven-1");

    @Test
    void aTemplateBecomesAnEngineRequestWithItsLimitsEnvAndCache() {
        AgentTemplate t = new AgentTemplate("maven");
        t.setImage("registry.example.com/agents/maven:3");
        t.setCpus(1.5);
        t.setMemoryMb(2048);
        t.setPidsLimit(4096);
        t.setEnv("# comment\nMAVEN_OPTS=-Xmx1g -Dx=y\n\nLANG=C.UTF-8\n");
        t.setCacheMaxVolumes(3);
        t.setPreloadImages("maven:3-eclipse-temurin-21\n# not this\n");
        t.setReadyTimeoutSeconds(90);
        ProvisionRequest r = t.toRequest(ID);
        SystemContainerSpec s = r.spec();
        assertEquals("registry.example.com/agents/maven:3", s.image());
        assertEquals("sysbox-runc", s.runtime());
        assertEquals(1.5, s.cpus());
        assertEquals(2048L << 20, s.memoryBytes());
        assertEquals(4096, s.pidsLimit());
        assertEquals(Map.of("MAVEN_OPTS", "-Xmx1g -Dx=y", "LANG", "C.UTF-8"), s.env());
        assertEquals("/home/jenkins/agent", s.workingDir());
        assertEquals("maven", r.cacheKey(), "the cache key defaults to the template name");
        assertEquals(3, r.cache().maxVolumes());
        assertEquals(List.of("maven:3-eclipse-temurin-21"), r.cache().preloadImages());
        assertEquals(Duration.ofSeconds(90), r.readyTimeout());
        assertEquals(List.of(), SecurityPolicy.defaultPolicy().check(s), "a template's spec passes the policy");
    }

    @Test
    void cacheKeyNoneMeansNoCache() {
        AgentTemplate t = new AgentTemplate("gradle");
        t.setCacheKey("none");
        assertNull(t.toRequest(ID).cacheKey());
        t.setCacheKey("shared-jvm");
        assertEquals("shared-jvm", t.toRequest(ID).cacheKey());
        t.setCacheKey("");
        assertEquals("gradle", t.toRequest(ID).cacheKey());
    }

    /** A value that can never work is refused when it is set (form, configuration as code, pipeline), naming the field. */
    @Test
    void badFieldsFailNamingTheField() {
        AgentTemplate t = new AgentTemplate("bad");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setImage("Not/Valid Image")).getMessage()
                .startsWith("field 'image'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setMemoryMb(16)).getMessage()
                .startsWith("field 'memoryMb'"));
        assertEquals("field 'env': line 1 'NOEQUALS' is not KEY=VALUE",
                assertThrows(IllegalArgumentException.class, () -> t.setEnv("NOEQUALS")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setCacheKey("has space")).getMessage()
                .startsWith("field 'cacheKey'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setPreloadImages("UPPER:case")).getMessage()
                .startsWith("field 'preloadImages'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setReadyTimeoutSeconds(1)).getMessage()
                .startsWith("field 'readyTimeoutSeconds'"));
        // Values Docker would read as "no limit", or that make no sense: refused, not silently adjusted.
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setCpus(0.0000001)).getMessage()
                .startsWith("field 'cpus': must be at least 0.01"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setLaunchTimeoutSeconds(-5)).getMessage()
                .startsWith("field 'launchTimeoutSeconds'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setCacheKey("abc\u0000")).getMessage()
                .startsWith("field 'cacheKey'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setPidsLimit(0)).getMessage()
                .startsWith("field 'pidsLimit'"));
        assertNull(t.problem(), "nothing bad was taken");
    }

    /** Settings saved by an earlier version are read without setters: a bad one is reported, naming the field. */
    @Test
    void aSavedTemplateWithABadValueReportsItsProblem() {
        com.thoughtworks.xstream.XStream xs = new com.thoughtworks.xstream.XStream(new com.thoughtworks.xstream.io.xml.StaxDriver());
        xs.allowTypes(new Class<?>[] {AgentTemplate.class});
        AgentTemplate t = (AgentTemplate) xs.fromXML("<io.jenkins.plugins.syscontainer.AgentTemplate><name>old</name><image>Not A Valid Image</image>"
                        + "<cpus>1.0E-7</cpus></io.jenkins.plugins.syscontainer.AgentTemplate>");
        assertTrue(t.problem().startsWith("field 'image'"), t.problem());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.toRequest(ID)).getMessage().startsWith("field 'image'"));
    }

    @Test
    void templateNamesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new AgentTemplate("has space"));
    }

    @Test
    void cacheAndLaunchSettingsReachTheEngineAndAreChecked() {
        AgentTemplate t = new AgentTemplate("node");
        assertEquals(io.jenkins.plugins.syscontainer.engine.CacheSettings.DEFAULT_IDLE_TTL, t.toRequest(ID).cache().idleTtl(), "defaults: 7 days");
        assertNull(t.toRequest(ID).cache().goldenVolume());
        assertFalse(t.toRequest(ID).cache().keepQuarantined());
        t.setCacheIdleDays(2);
        t.setGoldenVolume(" node-golden ");
        t.setKeepQuarantined(true);
        t.setLaunchMethod(AgentTemplate.LAUNCH_INBOUND_WEBSOCKET);
        var cache = t.toRequest(ID).cache();
        assertEquals(Duration.ofDays(2), cache.idleTtl());
        assertEquals("node-golden", cache.goldenVolume());
        assertTrue(cache.keepQuarantined());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setCacheIdleDays(0)).getMessage().startsWith("field 'cacheIdleDays'"),
                "a setter refuses at once, so a form or a configuration-as-code file names the field");
        assertEquals(Duration.ofDays(2), t.toRequest(ID).cache().idleTtl(), "the refused value left the template as it was");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setGoldenVolume("../etc")).getMessage().startsWith("field 'goldenVolume'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setCacheMaxVolumes(0)).getMessage().startsWith("field 'cacheMaxVolumes'"));
        assertEquals("field 'launchMethod': must be 'attach' or 'inboundWebSocket'",
                assertThrows(IllegalArgumentException.class, () -> t.setLaunchMethod("ssh")).getMessage());
        t.setLaunchMethod(null);
        assertEquals(AgentTemplate.LAUNCH_ATTACH, t.getLaunchMethod());
    }

    @Test
    void onlyQueueItemsNothingElseCanServeAreToldTheyCannotRun() {
        java.util.function.IntSupplier none = () -> 0;
        java.util.function.IntSupplier one = () -> 1;
        java.util.function.IntSupplier notAsked = () -> {
            throw new AssertionError("counted although the item is not served by a suspended template");
        };
        assertTrue(QueueGuard.unservable(true, none, none));
        assertFalse(QueueGuard.unservable(false, notAsked, notAsked), "no template of ours that cannot provision serves it");
        assertFalse(QueueGuard.unservable(true, one, notAsked), "a node has the label");
        assertFalse(QueueGuard.unservable(true, none, one), "another cloud can provision it");
    }

    @Test
    void aUsedOneShotAgentTakesBackOnlyItsOwnBuild() {
        String node = "sca-docker-1a2b3c4d";
        assertTrue(QueueGuard.takesBack("job/app/42/", "job/app/42/", node, node),
                "the pipeline's node block resuming after a restart asks for this node by name");
        assertFalse(QueueGuard.takesBack("job/app/42/", "job/app/42/", "docker", node),
                "another node block of the same run, asking for the label");
        assertFalse(QueueGuard.takesBack("job/app/42/", "job/app/43/", node, node), "the next build of the same job");
        assertFalse(QueueGuard.takesBack("job/app/42/", "job/other/1/", node, node));
        assertFalse(QueueGuard.takesBack(null, "job/app/42/", node, node), "used by an unknown task: nothing comes back");
    }

    @Test
    void pullPolicyReachesTheEngineAndIsChecked() {
        AgentTemplate t = new AgentTemplate("pull");
        var source = t.toRequest(ID).imageSource();
        assertEquals(io.jenkins.plugins.syscontainer.engine.ImageSource.PullPolicy.IF_MISSING, source.policy());
        assertNull(source.auth(), "no credentials: anonymous pull");
        t.setPullPolicy("always");
        assertEquals(io.jenkins.plugins.syscontainer.engine.ImageSource.PullPolicy.ALWAYS, t.toRequest(ID).imageSource().policy());
        t.setPullPolicy("never");
        assertEquals(io.jenkins.plugins.syscontainer.engine.ImageSource.PullPolicy.NEVER, t.toRequest(ID).imageSource().policy());
        assertEquals("field 'pullPolicy': must be 'ifMissing', 'always' or 'never'",
                assertThrows(IllegalArgumentException.class, () -> t.setPullPolicy("sometimes")).getMessage());
        assertEquals(io.jenkins.plugins.syscontainer.engine.ImageSource.PullPolicy.NEVER, t.toRequest(ID).imageSource().policy());
        t.setPullPolicy(" ");
        assertEquals(AgentTemplate.PULL_IF_MISSING, t.getPullPolicy());
        assertEquals("RegistryAuth[ci-bot, password hidden]",
                new io.jenkins.plugins.syscontainer.engine.ImageSource.RegistryAuth("ci-bot", "s3cret").toString());
    }

    /** The controller URL an inbound agent dials: the cloud's setting, then the system property, then the root URL. */
    @Test
    void inboundAgentsDialTheConfiguredUrlFirst() {
        assertEquals("http://cloud/", InboundWebSocketLauncher.controllerUrl(" http://cloud/ ", "http://prop/", "http://root/"));
        assertEquals("http://prop/", InboundWebSocketLauncher.controllerUrl("", "http://prop/", "http://root/"));
        assertEquals("http://root/", InboundWebSocketLauncher.controllerUrl(null, null, "http://root/"));
        assertNull(InboundWebSocketLauncher.controllerUrl(null, " ", null));
    }

    @Test
    void aTemplatesProblemIsWorkedOutOncePerChange() {
        AgentTemplate t = new AgentTemplate("fine");
        assertNull(t.problem());
        assertNull(t.problem(), "asked again: the same answer, from memory");
        t.setImage("other:2");
        assertNull(t.problem());
    }

    @Test
    void formChecks() {
        assertNull(TemplateValidation.image("system-container-agent:latest"));
        assertNotNull(TemplateValidation.image(""));
        assertNull(TemplateValidation.memoryMb(256));
        assertNotNull(TemplateValidation.memoryMb(255));
        assertNotNull(TemplateValidation.cpus(0));
        assertNull(TemplateValidation.pidsLimit(256));
        assertNull(TemplateValidation.cacheKey(""));
        assertNull(TemplateValidation.seconds(60, 5, 1800));
        assertNotNull(TemplateValidation.seconds(4, 5, 1800));
        assertNotNull(TemplateValidation.nonNegative(-1));
        assertNull(DockerHostEntry.uriProblem("unix:///var/run/docker.sock"));
        assertNull(DockerHostEntry.uriProblem("tcp://build-1.example.com:2376"));
        assertNotNull(DockerHostEntry.uriProblem("tcp://build-1.example.com"));
        assertNotNull(DockerHostEntry.uriProblem("http://x:2375"));
        assertNotNull(DockerHostEntry.uriProblem(""));
    }

    @Test
    void capsComeFromLiveCounts() {
        assertEquals(3, ProvisioningPlan.agentsToStart(3, 1, 0, 20, 0, 0, 10));
        assertEquals(2, ProvisioningPlan.agentsToStart(3, 2, 0, 20, 0, 0, 10), "executors per agent");
        assertEquals(1, ProvisioningPlan.agentsToStart(5, 1, 19, 20, 0, 0, 10), "cloud cap");
        assertEquals(0, ProvisioningPlan.agentsToStart(5, 1, 25, 20, 0, 0, 10), "over the cap after a config change");
        assertEquals(2, ProvisioningPlan.agentsToStart(5, 1, 0, 0, 3, 5, 10), "template cap; 0 means no cloud cap");
        assertEquals(4, ProvisioningPlan.agentsToStart(9, 1, 0, 0, 0, 0, 4), "host slots");
        assertEquals(0, ProvisioningPlan.agentsToStart(9, 1, 0, 0, 0, 0, 0), "no healthy host with room");
    }

    @Test
    void noDelayStrategyProvisionsExactlyTheShortfall() {
        assertEquals(3, NoDelayProvisioning.shortfall(0, 0, 0, 0, 3));
        assertEquals(1, NoDelayProvisioning.shortfall(1, 1, 0, 0, 3), "available and connecting executors count");
        assertEquals(0, NoDelayProvisioning.shortfall(0, 0, 2, 1, 3), "planned capacity counts");
        assertEquals(0, NoDelayProvisioning.shortfall(5, 0, 0, 0, 3));
    }

    @Test
    void fatalFailuresSuspendTheTemplateAndOthersDoNot() {
        MutableClock clock = new MutableClock();
        TemplateSuspensions s = new TemplateSuspensions(clock);
        assertFalse(s.onFailure("c/t", FailureKind.HOST_UNAVAILABLE, "down"));
        assertFalse(s.onFailure("c/t", FailureKind.INNER_DOCKER_NOT_READY, "slow"));
        assertFalse(s.onFailure("c/t", FailureKind.RUNTIME_MISSING, "no sysbox"));
        assertNull(s.suspension("c/t"));
        assertTrue(s.onFailure("c/t", FailureKind.IMAGE_MISSING, "No such image: x"));
        assertEquals("No such image: x", s.suspension("c/t").reason());
        clock.advance(TemplateSuspensions.SUSPENSION.minusSeconds(1));
        assertNotNull(s.suspension("c/t"));
        clock.advance(Duration.ofSeconds(1));
        assertNull(s.suspension("c/t"), "suspensions expire by themselves");
        assertTrue(s.onFailure("c/t", FailureKind.BAD_TEMPLATE, "field 'image'"));
        s.clear("c/t");
        assertNull(s.suspension("c/t"));
    }
}
