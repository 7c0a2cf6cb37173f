package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.tasks.Shell;
import io.jenkins.plugins.syscontainer.agent.SystemContainerAgent;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.HungServer;
import io.jenkins.plugins.syscontainer.testsupport.InMemoryBackend;
import io.jenkins.plugins.syscontainer.testsupport.InMemoryCloud;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.htmlunit.html.HtmlButton;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlInput;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The pages a new administrator meets in the first hour (issue "The first hour"), in a real Jenkins with HtmlUnit:
 * the agent's page, the cloud's status page, a refused save, and the image check of a template that may not pull.
 * Those that need real Docker and Sysbox skip, saying why, where there is none.
 */
@WithJenkins
class FirstHourPagesJenkinsTest {
    private static final String SECOND = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC";

    private static void await(BooleanSupplier done, Duration timeout, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            Thread.sleep(200);
        }
    }

    private static InMemoryCloud inMemoryCloud(JenkinsRule r, Path fs) throws Exception {
        InMemoryCloud cloud = new InMemoryCloud("mem", new InMemoryBackend.Places("alpha"));
        AgentTemplate t = InMemoryCloud.template("small", fs);
        t.setIdleMinutes(10); // the agent stays after its build, so its page can be read
        cloud.setTemplates(List.of(t));
        r.jenkins.clouds.add(cloud);
        r.jenkins.save();
        FreeStyleProject p = r.createFreeStyleProject("one");
        p.setAssignedLabel(Label.get("small"));
        p.getBuildersList().add(new Shell("true"));
        r.buildAndAssertSuccess(p);
        return cloud;
    }

    @Test
    void theAgentPageShowsEachProvisioningStepOnALineOfItsOwn(JenkinsRule r, @TempDir Path fs) throws Exception {
        inMemoryCloud(r, fs);
        SystemContainerAgent agent = (SystemContainerAgent) r.jenkins.getNodes().get(0);
        List<String> steps = agent.getProvisioningLog();
        assertTrue(steps.size() >= 2, "too few provisioning steps to tell lines apart: " + steps);
        String text = r.createWebClient().goTo("computer/" + agent.getNodeName() + "/").asNormalizedText();
        // HtmlUnit's text numbers the items of the page's ordered list ("1. …"): one item, one line.
        List<String> lines = text.lines().map(l -> l.strip().replaceFirst("^\\d+\\. ", "")).toList();
        for (String step : steps) {
            assertTrue(lines.contains(step.strip()), "'" + step + "' is not a line of its own on the agent's page:\n" + text);
        }
    }

    @Test
    void theStatusPageShowsTimesToTheSecondAndTheLastActionInWords(JenkinsRule r, @TempDir Path fs) throws Exception {
        InMemoryCloud cloud = inMemoryCloud(r, fs);
        cloud.recordFailure("small", FailureKind.IMAGE_MISSING, "no such image: sca-test/absent:1"); // suspends it
        JenkinsRule.WebClient wc = r.createWebClient();
        r.submit(wc.goTo("cloud/mem/system-containers/").getFormByName("reapNow"));
        await(() -> String.valueOf(CloudEngines.get().activity(cloud.getCloudId()).lastAction()).contains("reaper pass done"),
                Duration.ofSeconds(30), () -> "the reaper pass");
        String text = wc.goTo("cloud/mem/system-containers/").asNormalizedText();
        System.out.println(text);
        assertFalse(text.matches("(?s).*\\d\\d:\\d\\d:\\d\\d\\.\\d+.*"), "a time with fractions of a second:\n" + text);
        assertFalse(text.matches("(?s).*\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d.*"), "a raw ISO instant:\n" + text);
        assertTrue(text.matches("(?s).*is suspended until " + SECOND + ".*"), text);
        assertTrue(text.matches("(?s).*" + SECOND + "\\s+small\\s+IMAGE_MISSING.*"), "no failure row with its time:\n" + text);
        assertTrue(text.matches("(?s).*sca-cache-small-[0-9a-f]{8}\\s+leased by sca-small-[0-9a-f]{8}\\s+.*" + SECOND + ".*"),
                "no cache volume with its last use:\n" + text);
        String last = text.lines().filter(l -> l.startsWith("Last action:")).findFirst().orElseThrow();
        assertTrue(last.matches("Last action: " + SECOND + ": reaper pass done: nothing to do; cache volume sizes measured"), last);
    }

    /** A bad host URI is not saved; the configuration page comes back with what was typed and the message. */
    @Test
    void aBadHostUriShowsTheFormAgainWithTheMessage(JenkinsRule r) throws Exception {
        SystemContainerCloud c = new SystemContainerCloud("ci");
        c.setHosts(List.of(new DockerHostEntry("local", "unix:///var/run/docker.sock")));
        c.setTemplates(List.of(new AgentTemplate("docker")));
        r.jenkins.clouds.add(c);
        r.jenkins.save();
        JenkinsRule.WebClient wc = r.createWebClient();
        wc.setThrowExceptionOnFailingStatusCode(false);
        HtmlForm config = wc.goTo("cloud/ci/configure").getFormByName("config");
        List<HtmlInput> uris = config.getByXPath(".//div[@name='hosts']//input[@name='_.uri']");
        uris.get(0).setValue("docker.example.com:2376");
        Page result = r.submit(config);
        assertEquals(400, result.getWebResponse().getStatusCode());
        assertTrue(result instanceof HtmlPage, "not a page: " + result.getWebResponse().getContentType());
        HtmlPage page = (HtmlPage) result;
        wc.waitForBackgroundJavaScript(3000); // the fields' own checks
        String text = page.asNormalizedText();
        System.out.println(text);
        assertTrue(text.contains("Not saved: Docker host 'local': field 'uri' must be unix:///path/to/docker.sock or tcp://HOST:PORT"), text);
        HtmlForm again = page.getFormByName("config");
        List<HtmlInput> typed = again.getByXPath(".//div[@name='hosts']//input[@name='_.uri']");
        assertEquals("docker.example.com:2376", typed.get(0).getValue(), "the form lost what was typed");
        assertTrue(text.contains("Docker host URI must be unix:///path/to/docker.sock or tcp://HOST:PORT"),
                "the field's own message is not shown:\n" + text);
        assertEquals("unix:///var/run/docker.sock", ((SystemContainerCloud) r.jenkins.getCloud("ci")).getHosts().get(0).getUri(),
                "the bad URI was saved");
        // corrected on the page that came back, it saves
        typed.get(0).setValue("unix:///run/other-docker.sock");
        Page saved = r.submit(again);
        assertTrue(saved.getWebResponse().getStatusCode() < 400, saved.getWebResponse().getContentAsString());
        assertEquals("unix:///run/other-docker.sock", ((SystemContainerCloud) r.jenkins.getCloud("ci")).getHosts().get(0).getUri());
    }

    /** The image check asks a host that never answers on a pool thread: the form's check returns within its bound. */
    @Test
    void theImageCheckDoesNotHoldTheRequestOnAHostThatHangs(JenkinsRule r) throws Exception {
        try (HungServer hung = new HungServer()) {
            SystemContainerCloud c = new SystemContainerCloud("slow");
            DockerHostEntry h = new DockerHostEntry("stuck", "tcp://127.0.0.1:" + hung.port());
            h.setResponseTimeoutSeconds(30);
            c.setHosts(List.of(h));
            AgentTemplate t = new AgentTemplate("docker");
            t.setPullPolicy(AgentTemplate.PULL_NEVER);
            c.setTemplates(List.of(t));
            r.jenkins.clouds.add(c);
            JenkinsRule.WebClient wc = r.createWebClient();
            WebRequest check = new WebRequest(new URL(r.getURL(), "descriptorByName/io.jenkins.plugins.syscontainer.AgentTemplate/"
                    + "checkImage?value=system-container-agent:latest&pullPolicy=never&name=slow"), HttpMethod.POST);
            long t0 = System.nanoTime();
            String answer = wc.getPage(wc.addCrumb(check)).getWebResponse().getContentAsString();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("image check with a hung host answered in " + ms + " ms: " + answer);
            assertTrue(ms < 6_000, "the check held the request for " + ms + " ms");
            assertTrue(answer.contains("Checking whether the Docker hosts of cloud slow have image system-container-agent:latest"), answer);
            assertTrue(ImageChecks.get().isChecking(c, "system-container-agent:latest"), "no check running in the background");
        }
    }

    /**
     * A template whose image is on no host, with pull policy never: the form's check warns while it is edited; after
     * the save the cloud's page and its status page say so. The template whose image is there gets no warning.
     */
    @Test
    void aMissingImageThatMayNotBePulledIsWarnedOnCheckAndSave(JenkinsRule r) throws Exception {
        JenkinsDocker.require();
        SystemContainerCloud ci = JenkinsDocker.cloud(r.jenkins);
        AgentTemplate absent = JenkinsDocker.template("absent");
        absent.setImage("sca-test/absent:1");
        ci.setTemplates(List.of(ci.getTemplates().get(0), absent));
        r.jenkins.save();
        String missing = "Image sca-test/absent:1 is not on Docker host(s) local of cloud ci, and pull policy 'Never pull' forbids"
                + " pulling it";
        try {
            JenkinsRule.WebClient wc = r.createWebClient();
            HtmlPage form = wc.goTo("cloud/ci/configure");
            long deadline = System.currentTimeMillis() + 30_000;
            String text = form.asNormalizedText();
            while (!text.contains(missing) && System.currentTimeMillis() < deadline) {
                if (text.contains("Checking whether the Docker hosts of cloud ci")) {
                    form = wc.goTo("cloud/ci/configure"); // the check went on in the background: open the form again
                } else {
                    wc.waitForBackgroundJavaScript(500);
                }
                text = form.asNormalizedText();
            }
            System.out.println(text);
            assertTrue(text.contains(missing), "no warning on the form:\n" + text);
            assertFalse(text.contains("Image " + DockerTestSupport.AGENT_IMAGE + " is not on"), "the present image is warned about");

            r.submit(form.getFormByName("config"));
            SystemContainerCloud saved = (SystemContainerCloud) r.jenkins.getCloud("ci");
            String warning = "Template absent: image sca-test/absent:1 is not on Docker host(s) local and its pull policy is 'never'";
            await(() -> ImageChecks.get().warnings(saved).stream().anyMatch(w -> w.startsWith(warning)), Duration.ofSeconds(30),
                    () -> "the check after the save: " + ImageChecks.get().warnings(saved));
            String cloudPage = wc.goTo("cloud/ci/").asNormalizedText();
            assertTrue(cloudPage.contains(warning), "no warning on the cloud's page:\n" + cloudPage);
            String status = wc.goTo("cloud/ci/system-containers/").asNormalizedText();
            assertTrue(status.contains(warning), status);
            assertFalse(status.contains("Template docker: image"), status);
        } finally {
            JenkinsDocker.purge(JenkinsDocker.scope(r.jenkins, ci));
        }
    }

    /**
     * After a passing Test connection on the configuration page, the status page shows that check for the host (not
     * "not checked yet"); after "Run the reaper now", every cache volume has its size, new ones included.
     */
    @Test
    void theStatusPageShowsTestConnectionAndSizesAfterTheReaper(JenkinsRule r) throws Exception {
        JenkinsDocker.require();
        SystemContainerCloud ci = JenkinsDocker.cloud(r.jenkins);
        String scope = JenkinsDocker.scope(r.jenkins, ci);
        try {
            JenkinsRule.WebClient wc = r.createWebClient();
            HtmlPage form = wc.goTo("cloud/ci/configure");
            HtmlButton test = form.getFormByName("config").getFirstByXPath(".//button[normalize-space(.)='Test connection']");
            assertNotNull(test);
            test.click();
            long deadline = System.currentTimeMillis() + 120_000;
            while (!form.asNormalizedText().contains("user namespace") && System.currentTimeMillis() < deadline) {
                wc.waitForBackgroundJavaScript(500);
            }
            String status = wc.goTo("cloud/ci/system-containers/").asNormalizedText();
            System.out.println(status);
            assertFalse(status.contains("not checked yet"), status);
            assertTrue(status.matches("(?s).*✔ user namespace: uid_map '0 [1-9][0-9]* 65536'.*\\(Test connection, " + SECOND + "\\).*"),
                    status);

            WorkflowJob p = r.createProject(WorkflowJob.class, "caches");
            for (String cache : List.of("one", "two")) {
                p.setDefinition(new CpsFlowDefinition("systemContainerAgent(template: 'docker', cache: '" + cache + "') {\n"
                        + "  sh 'docker run --rm sca-test/busybox:latest true'\n}", true));
                r.buildAndAssertSuccess(p);
                JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(60));
                String before = String.valueOf(CloudEngines.get().activity(ci.getCloudId()).lastAction());
                r.submit(wc.goTo("cloud/ci/system-containers/").getFormByName("reapNow"));
                await(() -> {
                    String now = String.valueOf(CloudEngines.get().activity(ci.getCloudId()).lastAction());
                    return !now.equals(before) && now.contains("reaper pass done");
                }, Duration.ofSeconds(60), () -> "the reaper pass");
                String page = wc.goTo("cloud/ci/system-containers/").asNormalizedText();
                assertFalse(page.contains("not measured yet"), "after the reaper pass for cache " + cache + ":\n" + page);
                assertTrue(page.matches("(?s).*-" + cache + "-[0-9a-f]{8}\\s+idle\\s+\\d+ MiB.*"), page);
                assertTrue(page.contains("cache volume sizes measured"), page);
            }
        } finally {
            JenkinsDocker.purge(scope);
        }
    }
}
