package io.jenkins.plugins.syscontainer.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Node;
import io.jenkins.plugins.syscontainer.AgentTemplate;
import io.jenkins.plugins.syscontainer.TemplateValidation;
import io.jenkins.plugins.syscontainer.engine.AgentIdentity;
import io.jenkins.plugins.syscontainer.engine.ProvisionRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a Jenkinsfile may ask of an administrator's template through the step's arguments, and what it is refused. */
class PipelineOverridesTest {
    private static final AgentIdentity ID = new AgentIdentity("c", "cloud", "t", "a");

    private static PipelineOverrides.Request ask(String image, Double cpus, Long memoryMb, Long pids, String env,
            String cache, String preload) {
        return new PipelineOverrides.Request(image, cpus, memoryMb, pids, env, cache, preload, null, null, null, null);
    }

    private static final PipelineOverrides.Request NOTHING = ask(null, null, null, null, null, null, null);

    private static AgentTemplate base() {
        AgentTemplate t = new AgentTemplate("docker");
        t.setImage("registry.example.com/ci/agent:7");
        t.setCpus(4);
        t.setMemoryMb(8192);
        t.setPidsLimit(4096);
        t.setEnv("A=1");
        t.setAllowInPipelines(true);
        t.setRegistryCredentialsId("registry-bot");
        t.setGoldenVolume("docker-golden");
        t.setPreloadImages("registry.example.com/ci/tools:1");
        t.setPipelineImages("registry.example.com/ci/*\nregistry.example.com/team-a/*:stable");
        t.setInstanceCap(3);
        return t;
    }

    @Test
    void withoutArgumentsThePipelineGetsTheTemplateAsAOneShotExclusiveAgent() {
        AgentTemplate t = PipelineOverrides.apply(base(), NOTHING, "job");
        t.setRegistryCredentialsId(""); // resolving a credential needs a Jenkins: the JenkinsRule tests do that
        ProvisionRequest r = t.toRequest(ID);
        assertEquals("registry.example.com/ci/agent:7", r.spec().image());
        assertEquals(4.0, r.spec().cpus());
        assertEquals("docker", r.cacheKey(), "the template's own cache pool");
        assertEquals("docker-golden", r.cache().goldenVolume());
        assertEquals(Node.Mode.EXCLUSIVE, t.getMode());
        assertEquals(0, t.getIdleMinutes(), "one build, then the agent goes");
        assertEquals("docker", t.getName(), "counted against the administrator's template");
        assertEquals(3, t.getInstanceCap());
        assertFalse(t.isAllowInPipelines());
    }

    @Test
    void aPipelineMayOnlyNarrowTheTemplate() {
        AgentTemplate t = PipelineOverrides.apply(base(), ask("registry.example.com/ci/node:22", 2.0, 4096L, 1024L, "B=2",
                null, null), "job");
        assertEquals("registry.example.com/ci/node:22", t.getImage());
        assertEquals(List.of(2.0, 4096L, 1024L), List.of(t.getCpus(), t.getMemoryMb(), t.getPidsLimit()));
        assertEquals("", t.getRegistryCredentialsId(), "a pipeline's own image never gets the template's credentials");
        ProvisionRequest r = t.toRequest(ID);
        assertEquals(Map.of("A", "1", "B", "2"), r.spec().env(), "the template's environment, then the pipeline's");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PipelineOverrides.apply(base(), ask(null, 256.0, 1L << 20, 1L << 22, null, null, null), "job"));
        assertTrue(e.getMessage().contains("argument 'cpus': 256.0 is more than template 'docker' allows (4.0)"), e.getMessage());
        assertTrue(e.getMessage().contains("argument 'memoryMb': 1048576 is more than template 'docker' allows (8192)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("argument 'pidsLimit': 4194304 is more than template 'docker' allows (4096)"),
                e.getMessage());
    }

    @Test
    void imagesComeOnlyFromTheTemplatesListForPipelines() {
        assertEquals("registry.example.com/team-a/app:stable", PipelineOverrides.apply(base(),
                ask("registry.example.com/team-a/app:stable", null, null, null, null, null, null), "job").getImage());
        for (String refused : List.of("docker.io/library/alpine:3", "registry.example.com/team-a/app:latest",
                "evil.example.com/registry.example.com/ci/x", "registry.example.com/ci")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PipelineOverrides.apply(base(),
                    ask(refused, null, null, null, null, null, null), "job"), refused);
            assertTrue(e.getMessage().startsWith("argument 'image': '" + refused + "' is not among the images template"
                    + " 'docker' lets pipelines choose"), e.getMessage());
        }
        AgentTemplate closed = base();
        closed.setPipelineImages("");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PipelineOverrides.apply(closed,
                ask("registry.example.com/ci/node:22", null, null, null, null, null, null), "job"));
        assertTrue(e.getMessage().contains("none besides its own image registry.example.com/ci/agent:7"), e.getMessage());
        assertEquals("registry-bot", PipelineOverrides.apply(closed,
                ask("registry.example.com/ci/agent:7", null, null, null, null, null, null), "job").getRegistryCredentialsId(),
                "naming the template's own image keeps its credentials");
    }

    @Test
    void preloadingCopiesOnlyImagesThePipelineMayUse() {
        AgentTemplate ok = PipelineOverrides.apply(base(), ask(null, null, null, null, null, "web",
                "registry.example.com/ci/tools:1\nregistry.example.com/ci/jdk:21"), "job");
        assertEquals(List.of("registry.example.com/ci/tools:1", "registry.example.com/ci/jdk:21"),
                TemplateValidation.lines(ok.getPreloadImages()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PipelineOverrides.apply(base(),
                ask(null, null, null, null, null, "web", "other-team/secret-app:1"), "job"));
        assertTrue(e.getMessage().startsWith("argument 'preloadImages': 'other-team/secret-app:1' is not among"), e.getMessage());
    }

    @Test
    void aPipelinesCacheKeyIsPrivateToItsJob() {
        String a = SystemContainerTemplateStep.jobCacheKey("team/app/main", "web");
        String b = SystemContainerTemplateStep.jobCacheKey("other/app/PR-7", "web");
        assertTrue(a.matches("j[0-9a-f]{10}-web"), a);
        assertFalse(a.equals(b), "two jobs naming the same key get different pools");
        assertEquals(a, SystemContainerTemplateStep.jobCacheKey("team/app/main", "web"), "stable for one job");
        assertEquals("none", SystemContainerTemplateStep.jobCacheKey("team/app/main", "none"));
        assertNull(TemplateValidation.cacheKey(SystemContainerTemplateStep.jobCacheKey("x", "k".repeat(80))), "still a valid key");
        assertEquals(a, PipelineOverrides.apply(base(), ask(null, null, null, null, null, "web", null), "team/app/main")
                .getEffectiveCacheKey());
        assertNull(PipelineOverrides.apply(base(), ask(null, null, null, null, null, "none", null), "job").getEffectiveCacheKey());
    }

    @Test
    void globsMatchWholeNamesWithoutRegularExpressions() {
        assertTrue(PipelineOverrides.imageAllowed(withPatterns("registry.example.com/ci/*"), "registry.example.com/ci/a/b:1"));
        assertTrue(PipelineOverrides.imageAllowed(withPatterns("*/ci/*:stable"), "r.example.com/ci/x:stable"));
        assertFalse(PipelineOverrides.imageAllowed(withPatterns("registry.example.com/ci/*"), "registry.example.com/cia"));
        assertFalse(PipelineOverrides.imageAllowed(withPatterns("a*b"), "a" + "a".repeat(50_000) + "c"), "no backtracking blow-up");
        assertEquals("'*' would let pipelines choose any image; name a registry or a repository",
                TemplateValidation.imagePatterns("*"));
        assertNull(TemplateValidation.imagePatterns("registry.example.com/ci/*\n# comment"));
    }

    @Test
    void blankArgumentsCountAsNotGiven() {
        SystemContainerTemplateStep step = new SystemContainerTemplateStep();
        step.setImage("  ");
        step.setCloud("");
        step.setTemplate(null);
        step.setEnv(" ");
        assertNull(step.getImage());
        assertNull(step.getCloud());
        assertNull(step.getEnv());
        assertEquals("registry.example.com/ci/agent:7", PipelineOverrides.apply(base(), step.request(), "job").getImage());
    }

    private static AgentTemplate withPatterns(String patterns) {
        AgentTemplate t = new AgentTemplate("globs");
        t.setPipelineImages(patterns);
        return t;
    }
}
