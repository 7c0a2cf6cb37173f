package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Node;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the {@code systemContainerAgent} step's arguments become an ad-hoc template. */
class StepArgumentsTest {
    private static final AgentIdentity ID = new AgentIdentity("c", "cloud", "t", "a");

    @Test
    void withoutArgumentsTheDefaultsApplyAndThereIsNoCache() {
        AgentTemplate t = new SystemContainerAgentStep().toTemplate(null);
        ProvisionRequest r = t.toRequest(ID);
        assertEquals(AgentTemplate.DEFAULT_IMAGE, r.spec().image());
        assertNull(r.cacheKey(), "an ad-hoc template has no cache unless the step names one");
        assertEquals(Node.Mode.EXCLUSIVE, t.getMode());
        assertEquals(0, t.getIdleMinutes());
        assertTrue(t.getName().matches("step-[0-9a-f]{8}"), t.getName());
    }

    @Test
    void aTemplateIsUsableByPipelinesOnlyWhenAllowed() {
        assertNull(SystemContainerAgentStep.templateProblem("ci", null, null), "no label: ad-hoc template");
        assertEquals("argument 'label': cloud 'ci' has no template named 'x'",
                SystemContainerAgentStep.templateProblem("ci", "x", null));
        AgentTemplate base = new AgentTemplate("maven");
        assertTrue(SystemContainerAgentStep.templateProblem("ci", "maven", base).contains("not offered to pipelines"));
        base.setAllowInPipelines(true);
        assertNull(SystemContainerAgentStep.templateProblem("ci", "maven", base));
    }

    @Test
    void aTemplatesAdministratorSettingsCarryOverToTheStep() {
        AgentTemplate base = new AgentTemplate("node");
        base.setGoldenVolume("node-golden");
        base.setCacheIdleDays(3);
        base.setKeepQuarantined(true);
        base.setLaunchMethod(AgentTemplate.LAUNCH_INBOUND_WEBSOCKET);
        base.setPullPolicy(AgentTemplate.PULL_NEVER);
        base.setRegistryCredentialsId("registry-bot");
        AgentTemplate t = new SystemContainerAgentStep().toTemplate(base);
        assertEquals(List.of(AgentTemplate.PULL_NEVER, "registry-bot"), List.of(t.getPullPolicy(), t.getRegistryCredentialsId()));
        SystemContainerAgentStep ownImage = new SystemContainerAgentStep();
        ownImage.setImage("evil.example.com/steal:1");
        assertEquals("", ownImage.toTemplate(base).getRegistryCredentialsId(),
                "a pipeline's own image never gets the administrator's registry credentials");
        SystemContainerAgentStep sameImage = new SystemContainerAgentStep();
        sameImage.setImage(base.getImage());
        assertEquals("registry-bot", sameImage.toTemplate(base).getRegistryCredentialsId());
        t.setRegistryCredentialsId(""); // resolving it needs a Jenkins: covered by the real build
        ProvisionRequest r = t.toRequest(ID);
        assertEquals("node-golden", r.cache().goldenVolume());
        assertEquals(java.time.Duration.ofDays(3), r.cache().idleTtl());
        assertTrue(r.cache().keepQuarantined());
        assertEquals(AgentTemplate.LAUNCH_INBOUND_WEBSOCKET, t.getLaunchMethod());
        SystemContainerAgentStep step = new SystemContainerAgentStep();
        step.setLaunchMethod("attach");
        assertEquals(AgentTemplate.LAUNCH_ATTACH, step.toTemplate(base).getLaunchMethod());
        assertNull(new SystemContainerAgentStep().toTemplate(null).toRequest(ID).cache().goldenVolume(),
                "a pipeline cannot name a golden volume");
    }

    @Test
    void argumentsOverrideTheNamedTemplate() {
        AgentTemplate base = new AgentTemplate("maven");
        base.setImage("agents/maven:3");
        base.setMemoryMb(8192);
        base.setEnv("A=1");
        SystemContainerAgentStep step = new SystemContainerAgentStep();
        step.setImage(" agents/maven:4 ");
        step.setCpus(1.0);
        step.setCache("mvn-cache");
        step.setEnv("B=2");
        ProvisionRequest r = step.toTemplate(base).toRequest(ID);
        assertEquals("agents/maven:4", r.spec().image());
        assertEquals(8192L << 20, r.spec().memoryBytes(), "not given: the template's value");
        assertEquals(1.0, r.spec().cpus());
        assertEquals("mvn-cache", r.cacheKey());
        assertEquals(Map.of("B", "2"), r.spec().env());
        assertEquals("maven", new SystemContainerAgentStep().toTemplate(base).toRequest(ID).cacheKey(),
                "the named template's cache pool by default");
    }

    @Test
    void badArgumentsFailWithTheFieldNamed() {
        SystemContainerAgentStep step = new SystemContainerAgentStep();
        step.setImage("Bad Image");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step.toTemplate(null).toRequest(ID));
        assertTrue(e.getMessage().startsWith("field 'image'"), e.getMessage());
        SystemContainerAgentStep s2 = new SystemContainerAgentStep();
        s2.setMemoryMb(10L);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s2.toTemplate(null).toRequest(ID)).getMessage()
                .startsWith("field 'memoryMb'"));
        SystemContainerAgentStep s3 = new SystemContainerAgentStep();
        s3.setRuntime("runc");
        ProvisionRequest r = s3.toTemplate(null).toRequest(ID);
        assertEquals("runtime", io.jenkins.plugins.syscontainer.engine.SecurityPolicy.defaultPolicy().check(r.spec()).get(0).field(),
                "a runtime outside the allowlist is refused by the engine's policy before any Docker call");
    }

    @Test
    void aPipelinesCacheKeyIsPrivateToItsJob() {
        String a = SystemContainerAgentStep.jobCacheKey("team/app/main", "web");
        String b = SystemContainerAgentStep.jobCacheKey("other/app/PR-7", "web");
        assertTrue(a.matches("j[0-9a-f]{10}-web"), a);
        assertTrue(!a.equals(b), "two jobs naming the same key get different pools");
        assertEquals(a, SystemContainerAgentStep.jobCacheKey("team/app/main", "web"), "stable for one job");
        assertEquals("none", SystemContainerAgentStep.jobCacheKey("team/app/main", "none"));
        assertNull(TemplateValidation.cacheKey(SystemContainerAgentStep.jobCacheKey("x", "k".repeat(80))), "still a valid key");
    }

    @Test
    void blankArgumentsCountAsNotGiven() {
        SystemContainerAgentStep step = new SystemContainerAgentStep();
        step.setImage("  ");
        step.setCloud("");
        step.setLabel(null);
        assertNull(step.getImage());
        assertNull(step.getCloud());
        assertEquals(AgentTemplate.DEFAULT_IMAGE, step.toTemplate(null).getImage());
    }
}
