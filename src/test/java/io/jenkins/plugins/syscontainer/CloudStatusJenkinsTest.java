package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Result;
import hudson.tasks.Shell;
import io.jenkins.plugins.syscontainer.architecture.ProjectRoot;
import io.jenkins.plugins.syscontainer.engine.FailureKind;
import io.jenkins.plugins.syscontainer.provisioning.CloudActivity;
import io.jenkins.plugins.syscontainer.provisioning.CloudEngines;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import jenkins.model.Jenkins;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The cloud's status page in a real Jenkins against real Docker: what it shows after real builds, a suspension and a
 * failure; that its actions need Administer and a POST with a crumb, and work; that it shows no secret.
 */
@WithJenkins
class CloudStatusJenkinsTest {
    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    @Test
    void thePageShowsHostsAgentsCachesSuspensionsFailuresAndTimings(JenkinsRule r) throws Exception {
        JenkinsDocker.require();
        SystemContainerCloud cloud = JenkinsDocker.cloud(r.jenkins);
        AgentTemplate docker = cloud.getTemplates().get(0);
        docker.setEnv("API_TOKEN=s3cr3t-value-never-shown");
        AgentTemplate broken = JenkinsDocker.template("broken");
        broken.setImage("sca-test/absent:1");
        cloud.setTemplates(List.of(docker, broken));
        String scope = JenkinsDocker.scope(r.jenkins, cloud);
        try {
            FreeStyleProject p = r.createFreeStyleProject("timed");
            p.setAssignedLabel(Label.get("docker"));
            p.getBuildersList().add(new Shell("docker info --format '{{.Driver}}'"));
            for (int i = 0; i < 2; i++) {
                r.buildAndAssertSuccess(p);
                JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(60));
            }
            docker.setIdleMinutes(10); // the third agent stays, idle, so the page has an agent to show
            r.buildAndAssertSuccess(p);
            WorkflowJob b = r.createProject(WorkflowJob.class, "broken");
            b.setDefinition(new CpsFlowDefinition("node('broken') { echo 'never' }", true));
            r.buildAndAssertStatus(Result.FAILURE, b); // FAILURE with the reason: nobody pressed stop
            WorkflowJob spare = r.createProject(WorkflowJob.class, "spare");
            spare.setDefinition(new CpsFlowDefinition("systemContainerAgent(template: 'docker', cache: 'spare') { sh 'true' }", true));
            r.buildAndAssertSuccess(spare); // leaves an idle cache volume of its own pool

            JenkinsRule.WebClient wc = r.createWebClient();
            r.submit(wc.goTo("cloud/ci/system-containers/").getFormByName("checkRuntime-local"));
            await(() -> {
                CloudActivity.RuntimeCheck c = CloudEngines.get().activity(cloud.getCloudId()).runtimeCheck("local");
                return c != null && !c.running();
            }, "the runtime check");
            HtmlPage page = wc.goTo("cloud/ci/system-containers/");
            String text = page.asNormalizedText();
            System.out.println(text);
            assertTrue(text.contains("local") && text.contains("unix:///var/run/docker.sock") && text.contains("up"), text);
            assertTrue(text.contains("Cache key docker on host local"), text);
            assertTrue(text.matches("(?s).*local\\s+docker\\s+sca-docker-[0-9a-f]{8}\\s+\\d+ s\\s+idle.*"), "no idle agent listed:\n" + text);
            assertTrue(text.matches("(?s).*sca-cache-docker-[0-9a-f]{8}\\s+leased by sca-docker-.*"), "no leased cache volume:\n" + text);
            assertTrue(text.matches("(?s).*sca-cache-j[0-9a-f]{10}-spare-[0-9a-f]{8}\\s+idle.*"), "no idle cache volume listed:\n" + text);
            assertFalse(text.contains("sca-cache-broken-"), "a template whose image is missing left a cache volume:\n" + text);
            assertTrue(text.matches("(?s).*✔ user namespace: uid_map '0 [1-9][0-9]* 65536'.*"), text);
            assertTrue(text.contains("Hit ratio: 67 % of 3"), "two warm starts of three:\n" + text);
            assertTrue(text.contains("Template broken is suspended until"), text);
            assertTrue(text.contains("IMAGE_MISSING"), text);
            // three starts of the template, and the step's agent narrowed from it (on a cold pool of its own)
            assertTrue(text.matches("(?s).*docker\\s+4\\s+2 / 2\\s+\\d+ / \\d+ ms.*"), "no timings row for 4 starts:\n" + text);
            assertTrue(page.asXml().contains("queue to online, last 4 starts"), "no chart");
            assertFalse(page.getWebResponse().getContentAsString().contains("s3cr3t-value-never-shown"), "the page shows a secret");

            screenshot(r, "cloud/ci/system-containers/");

            // Lift the suspension from the page (a POST with Jenkins' crumb, as the button sends it).
            HtmlForm lift = page.getFormByName("lift-broken");
            r.submit(lift);
            assertEquals(List.of(), cloud.suspensions().entries(), "the suspension was not lifted");

            // Evict the idle cache volume (the spare pool's; the docker one is leased by the idle agent).
            String vol = JenkinsDocker.volumes(scope).stream().filter(v -> v.contains("-spare-")).findFirst().orElseThrow();
            HtmlPage again = wc.goTo("cloud/ci/system-containers/");
            r.submit(again.getFormByName("evict-" + vol));
            await(() -> !JenkinsDocker.volumes(scope).contains(vol), "the eviction of " + vol);

            // Run the reaper now; check the runtime of the host.
            r.submit(wc.goTo("cloud/ci/system-containers/").getFormByName("reapNow"));
            await(() -> String.valueOf(CloudEngines.get().activity(cloud.getCloudId()).lastAction()).contains("reaper pass done"), "the reaper");
            String after = wc.goTo("cloud/ci/system-containers/").asNormalizedText();
            assertFalse(after.contains("Template broken is suspended"), after);
        } finally {
            JenkinsDocker.purge(scope);
        }
    }

    /** Reading needs Overall/SystemRead; every action needs Administer, a POST, and the crumb. */
    @Test
    void readersSeeThePageOnlyAdministratorsAct(JenkinsRule r) throws Exception {
        SystemContainerCloud cloud = new SystemContainerCloud("secured");
        cloud.setHosts(List.of(new DockerHostEntry("nowhere", "unix:///nonexistent/docker.sock")));
        AgentTemplate t = new AgentTemplate("docker");
        cloud.setTemplates(List.of(t));
        r.jenkins.clouds.add(cloud);
        cloud.recordFailure("docker", io.jenkins.plugins.syscontainer.engine.FailureKind.IMAGE_MISSING, "no such image");
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ, Jenkins.SYSTEM_READ).everywhere().to("reader")
                .grant(Jenkins.READ).everywhere().to("dev"));

        JenkinsRule.WebClient reader = r.createWebClient().login("reader");
        String text = reader.goTo("cloud/secured/system-containers/").asNormalizedText();
        assertTrue(text.contains("Template docker is suspended until"), text);
        assertFalse(text.contains("Lift the suspension"), "a reader is offered an action");
        reader.setThrowExceptionOnFailingStatusCode(false);
        assertEquals(403, reader.getPage(reader.addCrumb(new org.htmlunit.WebRequest(
                new java.net.URL(r.getURL(), "cloud/secured/system-containers/liftSuspension?template=docker"),
                org.htmlunit.HttpMethod.POST))).getWebResponse().getStatusCode(), "a reader lifted a suspension");
        assertEquals(1, cloud.suspensions().entries().size());

        JenkinsRule.WebClient dev = r.createWebClient().login("dev");
        dev.setThrowExceptionOnFailingStatusCode(false);
        assertEquals(403, dev.goTo("cloud/secured/system-containers/").getWebResponse().getStatusCode(),
                "a user without SystemRead reads the page");

        JenkinsRule.WebClient admin = r.createWebClient().login("admin");
        admin.setThrowExceptionOnFailingStatusCode(false);
        URI lift = r.getURL().toURI().resolve("cloud/secured/system-containers/liftSuspension?template=docker");
        assertEquals(405, admin.getPage(lift.toURL()).getWebResponse().getStatusCode(), "a GET acted");
        // A POST without the crumb (what a cross-site form would send) is refused.
        HttpResponse<String> noCrumb = HttpClient.newHttpClient().send(HttpRequest.newBuilder(lift)
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("admin:admin".getBytes()))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, noCrumb.statusCode(), "a POST without a crumb acted");
        assertEquals(1, cloud.suspensions().entries().size());
        admin.getPage(admin.addCrumb(new org.htmlunit.WebRequest(lift.toURL(), org.htmlunit.HttpMethod.POST)));
        assertEquals(List.of(), cloud.suspensions().entries(), "the administrator's POST did not lift it");
    }

    /**
     * The screenshot in docs/admin-guide.md, taken from the real page with headless Chromium when it is installed
     * (apt-get install chromium); otherwise says so and takes none. Written to target/ and, with
     * -Dsca.screenshots=docs, to docs/images/.
     */
    private static void screenshot(JenkinsRule r, String path) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(chromium)) {
            System.out.println("NO SCREENSHOT: /usr/bin/chromium is not installed");
            return;
        }
        Path out = Path.of("target", "status-page.png").toAbsolutePath();
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + Files.createTempDirectory("chromium"),
                "--window-size=1280,2500", "--screenshot=" + out, r.getURL() + path).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        assertTrue(Files.size(out) > 10_000, "the screenshot is empty");
        if ("docs".equals(System.getProperty("sca.screenshots"))) {
            Path docs = io.jenkins.plugins.syscontainer.architecture.ProjectRoot.find().resolve("docs/images/status-page.png");
            Files.copy(out, docs, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            System.out.println("screenshot written to " + docs);
        }
    }
}
