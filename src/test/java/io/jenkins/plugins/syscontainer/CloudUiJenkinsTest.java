package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Node;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.nio.file.Files;
import java.util.List;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlButton;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlInput;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlRadioButtonInput;
import org.htmlunit.html.HtmlTextArea;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** What an administrator does in the browser (HtmlUnit, with Jenkins' own JavaScript), checked against what is saved. */
@WithJenkins
class CloudUiJenkinsTest {
    private static HtmlButton button(HtmlElement in, String text) {
        HtmlButton b = in.getFirstByXPath(".//button[normalize-space(.)='" + text + "']");
        assertNotNull(b, "no button '" + text + "'");
        return b;
    }

    private static HtmlInput last(HtmlForm f, String section, String field) {
        List<HtmlInput> all = f.getByXPath(".//div[@name='" + section + "']//input[@name='_." + field + "']");
        assertTrue(!all.isEmpty(), "no field " + field + " in " + section);
        return all.get(all.size() - 1);
    }

    /**
     * Manage Jenkins → Clouds → New cloud, then the configuration page: add a Docker host and a template, save; the
     * saved XML holds them, and a template added from the form takes only builds that ask for its labels.
     */
    @Test
    void aCloudConfiguredThroughTheUiIsSavedWithEveryField(JenkinsRule r) throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient();
        HtmlPage newCloud = wc.goTo("manage/cloud/new");
        HtmlForm create = newCloud.getFormByName("createItem");
        create.getInputByName("name").setValue("ui-cloud");
        HtmlRadioButtonInput type = (HtmlRadioButtonInput) newCloud.getElementById(
                r.jenkins.getDescriptorByType(SystemContainerCloud.DescriptorImpl.class).getId());
        type.setChecked(true);
        HtmlPage form = r.submit(create);
        HtmlForm config = form.getFormByName("config");
        button(config, "Add Docker host").click();
        last(config, "hosts", "name").setValue("local");
        last(config, "hosts", "uri").setValue("unix:///var/run/docker.sock");
        button(config, "Add agent template").click();
        last(config, "templates", "name").setValue("docker");
        last(config, "templates", "labelString").setValue("docker linux");
        last(config, "templates", "image").setValue("registry.example.com/ci/agent:7");
        HtmlTextArea images = config.getFirstByXPath(".//div[@name='templates']//textarea[@name='_.pipelineImages']");
        images.setText("registry.example.com/ci/*");
        r.submit(config);

        SystemContainerCloud c = (SystemContainerCloud) r.jenkins.getCloud("ui-cloud");
        assertNotNull(c, "the cloud was not created");
        assertEquals("ui-cloud", c.getCloudId());
        assertEquals(1, c.getHosts().size());
        assertEquals("unix:///var/run/docker.sock", c.getHosts().get(0).getUri());
        AgentTemplate t = c.getTemplates().get(0);
        assertEquals(Node.Mode.EXCLUSIVE, t.getMode(), "a new template must not take builds that ask for no label");
        assertEquals("registry.example.com/ci/*", t.getPipelineImages());
        String xml = Files.readString(r.jenkins.getRootDir().toPath().resolve("config.xml"));
        for (String saved : List.of("<cloudId>ui-cloud</cloudId>", "<uri>unix:///var/run/docker.sock</uri>",
                "<name>docker</name>", "<labelString>docker linux</labelString>", "<mode>EXCLUSIVE</mode>",
                "<image>registry.example.com/ci/agent:7</image>", "<pipelineImages>registry.example.com/ci/*</pipelineImages>")) {
            assertTrue(xml.contains(saved), "config.xml lacks " + saved + ":\n" + xml);
        }

        // Renaming on the configuration page keeps the id, so what the cloud made in Docker stays its own.
        HtmlForm again = wc.goTo("cloud/ui-cloud/configure").getFormByName("config");
        again.getInputByName("_.name").setValue("renamed");
        r.submit(again);
        SystemContainerCloud renamed = (SystemContainerCloud) r.jenkins.getCloud("renamed");
        assertNotNull(renamed, "the rename was not saved");
        assertEquals("ui-cloud", renamed.getCloudId(), "a rename keeps the cloud's id");
    }

    /** "Test connection" inside a host's block posts to the host entry's descriptor and shows the probe's checks. */
    @Test
    void testConnectionProbesTheHostAsTyped(JenkinsRule r) throws Exception {
        JenkinsDocker.require();
        SystemContainerCloud c = JenkinsDocker.cloud(r.jenkins);
        try {
            HtmlPage page = r.createWebClient().goTo("cloud/ci/configure");
            HtmlForm config = page.getFormByName("config");
            button(config, "Test connection").click();
            long deadline = System.currentTimeMillis() + 120_000;
            String text = page.asNormalizedText();
            while (!text.contains("user namespace") && !text.contains("Error") && System.currentTimeMillis() < deadline) {
                page.getWebClient().waitForBackgroundJavaScript(500);
                text = page.asNormalizedText();
            }
            System.out.println("Test connection said:\n" + text.substring(Math.max(0, text.indexOf("engine answers") - 2)));
            assertTrue(text.contains("✔ engine answers"), text);
            assertTrue(text.contains("✔ runtime registered: sysbox-runc"), text);
            assertTrue(text.matches("(?s).*✔ user namespace: uid_map '0 [1-9][0-9]* 65536'.*"), text);
            JenkinsDocker.awaitNoContainers(r.jenkins.getLegacyInstanceId() + ".probe", java.time.Duration.ofSeconds(30));
        } finally {
            JenkinsDocker.purge(JenkinsDocker.scope(r.jenkins, c));
        }
        assertEquals(List.of(), r.jenkins.getNodes(), "Test connection added a node");
    }

    /** A bad template name is a form error naming it, not an HTTP 500; nothing is saved. */
    @Test
    void aBadTemplateNameIsAFormErrorNotAServerError(JenkinsRule r) throws Exception {
        SystemContainerCloud c = new SystemContainerCloud("ci");
        c.setTemplates(List.of(new AgentTemplate("docker")));
        r.jenkins.clouds.add(c);
        JenkinsRule.WebClient wc = r.createWebClient();
        wc.setThrowExceptionOnFailingStatusCode(false);
        HtmlForm config = wc.goTo("cloud/ci/configure").getFormByName("config");
        last(config, "templates", "name").setValue("bad name!");
        Page result = r.submit(config);
        int status = result.getWebResponse().getStatusCode();
        String body = result.getWebResponse().getContentAsString();
        assertNotEquals(500, status, body);
        assertEquals(400, status);
        assertTrue(body.contains("template name 'bad name!'"), body);
        assertEquals("docker", ((SystemContainerCloud) r.jenkins.getCloud("ci")).getTemplates().get(0).getName(),
                "the bad configuration was saved");
    }

    /** The step appears in the Snippet Generator, the global variable in the Global Variable Reference. */
    @Test
    void theStepHasASnippetGeneratorPageAndHelp(JenkinsRule r) throws Exception {
        r.createProject(WorkflowJob.class, "p");
        JenkinsRule.WebClient wc = r.createWebClient();
        String snippets = wc.goTo("job/p/pipeline-syntax/").asXml();
        assertTrue(snippets.contains("systemContainerTemplate"), "the step is not in the Snippet Generator");
        String globals = wc.goTo("job/p/pipeline-syntax/globals").asNormalizedText();
        assertTrue(globals.contains("systemContainerAgent"), globals);
        assertTrue(globals.contains("runs the block on a fresh system container agent"), globals);
        String config = wc.goTo("descriptorByName/io.jenkins.plugins.syscontainer.pipeline.SystemContainerTemplateStep/help")
                .getWebResponse().getContentAsString();
        assertTrue(config.contains("SYSTEM_CONTAINER_LABEL"), config);
    }
}
