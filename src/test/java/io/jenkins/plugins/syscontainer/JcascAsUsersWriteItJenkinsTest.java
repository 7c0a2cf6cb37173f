package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.security.ACL;
import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.casc.ConfiguratorException;
import io.jenkins.plugins.syscontainer.architecture.ProjectRoot;
import io.jenkins.plugins.syscontainer.engine.docker.DockerHost;
import io.jenkins.plugins.syscontainer.testsupport.TestSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.docker.commons.credentials.DockerServerCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Configuration as code the way administrators write it: the docs' example file with the hosts' TLS credentials and
 * the registry's credentials declared in the same YAML (their secrets from a secret source), applied, resolved by the
 * cloud as it would build its engine, exported and applied again; and YAML that must be refused, with the field named.
 */
@WithJenkins
class JcascAsUsersWriteItJenkinsTest {
    @Test
    void theExampleWithItsCredentialsAppliesResolvesExportsAndAppliesAgain(JenkinsRule r, @TempDir Path tmp) throws Exception {
        ConfigurationAsCode.get().configure(ProjectRoot.find().resolve("docs/examples/jcasc-two-hosts.yaml").toString());
        SystemContainerCloud c = (SystemContainerCloud) r.jenkins.getCloud("sysbox");
        assertNotNull(c);
        DockerServerCredentials tls = CredentialsProvider.findCredentialByIdInItemGroup("build-1-docker-tls",
                DockerServerCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of());
        assertNotNull(tls, "the TLS credential was declared");
        DockerHost.TlsMaterial material = c.getHosts().get(0).resolveTls(); // what the engine is built from
        assertEquals(TestSecrets.SECRETS.get("BUILD_1_DOCKER_KEY"), material.clientKeyPem());
        assertEquals(TestSecrets.SECRETS.get("DOCKER_CA").strip(), material.caCertPem().strip());
        StandardUsernamePasswordCredentials registry = CredentialsProvider.findCredentialByIdInItemGroup(
                "registry-example-com", StandardUsernamePasswordCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of());
        assertEquals("registry-s3cret", registry.getPassword().getPlainText());
        assertEquals("registry-s3cret", c.template("docker").toImageSource().auth().password(),
                "the template's registry credentials resolve");

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ConfigurationAsCode.get().export(out);
        String exported = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(!exported.contains("registry-s3cret") && !exported.contains("b25l"), "a secret in clear in:\n" + exported);
        Path again = tmp.resolve("exported.yaml");
        Files.writeString(again, exported);
        r.jenkins.clouds.clear();
        ConfigurationAsCode.get().configure(again.toString());
        r.assertEqualDataBoundBeans(c, r.jenkins.getCloud("sysbox"));
        assertEquals(TestSecrets.SECRETS.get("BUILD_2_DOCKER_KEY"), ((SystemContainerCloud) r.jenkins.getCloud("sysbox")).getHosts().get(1)
                .resolveTls().clientKeyPem(), "the exported credentials apply again");
    }

    private static String refusal(Path tmp, String yaml) throws Exception {
        Path f = tmp.resolve("bad-" + Math.abs(yaml.hashCode()) + ".yaml");
        Files.writeString(f, yaml);
        ConfiguratorException e = assertThrows(ConfiguratorException.class, () -> ConfigurationAsCode.get().configure(f.toString()),
                () -> "not refused:\n" + yaml + "applied: " + applied());
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        System.out.println("refused: " + all);
        return all.toString();
    }

    private static String applied() {
        SystemContainerCloud c = (SystemContainerCloud) Jenkins.get().getCloud("bad");
        return c == null ? "no cloud" : "templates " + c.getTemplates().stream().map(t -> t.getName() + " cpus=" + t.getCpus()
                + " memoryMb=" + t.getMemoryMb()).toList() + ", hosts " + c.getHosts().stream().map(h -> h.getName() + " maxAgents="
                + h.getMaxAgents()).toList();
    }

    private static String cloud(String hostExtra, String templateExtra) {
        return "jenkins:\n  clouds:\n    - systemContainer:\n        name: \"bad\"\n        hosts:\n"
                + "          - name: \"h\"\n            uri: \"unix:///var/run/docker.sock\"\n" + hostExtra
                + "        templates:\n          - name: \"t\"\n" + templateExtra;
    }

    @Test
    void badYamlFailsNamingTheField(JenkinsRule r, @TempDir Path tmp) throws Exception {
        String unknown = refusal(tmp, cloud("", "            memoryMbs: 1024\n"));
        assertTrue(unknown.contains("memoryMbs"), unknown);
        String image = refusal(tmp, cloud("", "            image: \"Not A Valid Image\"\n"));
        assertTrue(image.contains("field 'image'"), image);
        String memory = refusal(tmp, cloud("", "            memoryMb: -1\n"));
        assertTrue(memory.contains("field 'memoryMb'"), memory);
        // Configuration as code drops an unquoted decimal without a word (its known limitation): the docs quote them.
        String cpus = refusal(tmp, cloud("", "            cpus: \"0.0000001\"\n"));
        assertTrue(cpus.contains("field 'cpus'"), cpus);
        String hostCap = refusal(tmp, cloud("            maxAgents: -3\n", ""));
        assertTrue(hostCap.contains("field 'maxAgents'"), hostCap);
        assertEquals(null, r.jenkins.getCloud("bad"), "a refused configuration added no cloud");
        Path quoted = tmp.resolve("quoted.yaml");
        Files.writeString(quoted, cloud("", "            cpus: \"1.5\"\n"));
        ConfigurationAsCode.get().configure(quoted.toString());
        assertEquals(1.5, ((SystemContainerCloud) r.jenkins.getCloud("bad")).getTemplates().get(0).getCpus(), "as the docs write it");
    }
}
