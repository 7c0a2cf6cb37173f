package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Node;
import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.syscontainer.architecture.ProjectRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The JCasC example of the docs loads with every value, exports, and the export loads back to the same cloud. Plain
 * {@code JenkinsRule} with the configuration-as-code plugin's own API, no JCasC test harness needed.
 */
@WithJenkins
class JcascJenkinsTest {
    @Test
    void theDocsExampleLoadsExportsAndLoadsBack(JenkinsRule r, @TempDir Path tmp) throws Exception {
        ConfigurationAsCode.get().configure(ProjectRoot.find().resolve("docs/examples/jcasc-two-hosts.yaml").toString());
        SystemContainerCloud c = (SystemContainerCloud) r.jenkins.getCloud("sysbox");
        assertEquals(List.of(20, "sysbox-runc", 10), List.of(c.getMaxAgents(), c.getAllowedRuntimes(), c.getReaperGraceMinutes()));
        assertEquals(2, c.getHosts().size());
        DockerHostEntry h1 = c.getHosts().get(0);
        DockerHostEntry h2 = c.getHosts().get(1);
        assertEquals(List.of("build-1", "tcp://build-1.example.com:2376", "build-1-docker-tls", 8, 200),
                List.of(h1.getName(), h1.getUri(), h1.getCredentialsId(), h1.getMaxAgents(), h1.getCacheBudgetGb()));
        assertEquals(List.of("build-2", "tcp://build-2.example.com:2376", "build-2-docker-tls", 8, 200, 5, 60),
                List.of(h2.getName(), h2.getUri(), h2.getCredentialsId(), h2.getMaxAgents(), h2.getCacheBudgetGb(),
                        h2.getConnectTimeoutSeconds(), h2.getResponseTimeoutSeconds()));
        assertEquals(2, c.getTemplates().size());
        AgentTemplate docker = c.getTemplates().get(0);
        AgentTemplate maven = c.getTemplates().get(1);
        String image = "registry.example.com/ci/system-container-agent:2026.11";
        assertEquals(List.of("docker", "docker linux", Node.Mode.EXCLUSIVE, image, 4.0, 8192L, 16384L, 0, 4),
                List.of(docker.getName(), docker.getLabelString(), docker.getMode(), docker.getImage(), docker.getCpus(),
                        docker.getMemoryMb(), docker.getPidsLimit(), docker.getIdleMinutes(), docker.getCacheMaxVolumes()));
        assertEquals(List.of("maven", "maven jdk21", Node.Mode.NORMAL, image, "jvm", 10, 6, 90, 120),
                List.of(maven.getName(), maven.getLabelString(), maven.getMode(), maven.getImage(), maven.getCacheKey(),
                        maven.getIdleMinutes(), maven.getInstanceCap(), maven.getReadyTimeoutSeconds(),
                        maven.getLaunchTimeoutSeconds()));
        assertEquals("maven:3-eclipse-temurin-21", maven.getPreloadImages().strip());
        assertEquals("MAVEN_OPTS=-Xmx2g", maven.getEnv().strip());
        assertEquals("http://jenkins.internal:8080/", c.getJenkinsUrl());
        assertEquals(List.of(7, "docker-golden", true, false), List.of(docker.getCacheIdleDays(), docker.getGoldenVolume(),
                docker.isKeepQuarantined(), docker.isAllowInPipelines()));
        assertEquals(List.of(true, AgentTemplate.LAUNCH_INBOUND_WEBSOCKET), List.of(maven.isAllowInPipelines(),
                maven.getLaunchMethod()));
        assertEquals(List.of("sysbox", "registry.example.com/ci/*"), List.of(c.getCloudId(), maven.getPipelineImages()));

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ConfigurationAsCode.get().export(out);
        String exported = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        String clouds = cloudsSection(exported);
        assertTrue(clouds.contains("systemContainer:"), exported);
        for (String name : List.of("sysbox", "build-1", "build-2", "docker", "maven")) {
            assertTrue(Pattern.compile("name: \"?" + Pattern.quote(name) + "\"?\\n").matcher(clouds).find(), name + " in\n" + clouds);
        }
        Path again = tmp.resolve("exported-clouds.yaml");
        Files.writeString(again, "jenkins:\n" + clouds);
        r.jenkins.clouds.clear();
        assertNull(r.jenkins.getCloud("sysbox"));
        ConfigurationAsCode.get().configure(again.toString());
        r.assertEqualDataBoundBeans(c, r.jenkins.getCloud("sysbox"));
    }

    /** The "clouds:" block under the exported "jenkins:" root (two-space indent, as JCasC writes it). */
    static String cloudsSection(String exported) {
        StringBuilder out = new StringBuilder();
        boolean in = false;
        for (String line : exported.split("\n")) {
            if (line.equals("  clouds:")) {
                in = true;
            } else if (in && !line.isBlank() && !line.startsWith("   ") && !line.startsWith("  -")) {
                break;
            }
            if (in) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
