package io.jenkins.plugins.syscontainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.scm.ChangeLogParser;
import hudson.scm.NullChangeLogParser;
import hudson.scm.SCM;
import hudson.scm.SCMDescriptor;
import hudson.scm.SCMRevisionState;
import hudson.slaves.Cloud;
import hudson.tasks.Shell;
import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.syscontainer.architecture.ProjectRoot;
import io.jenkins.plugins.syscontainer.testsupport.DockerTestSupport;
import io.jenkins.plugins.syscontainer.testsupport.JenkinsDocker;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.support.steps.input.InputAction;
import org.jenkinsci.plugins.workflow.support.steps.input.InputStepExecution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import org.yaml.snakeyaml.Yaml;

/**
 * Every Pipeline ({@code ```groovy}) and Configuration as Code ({@code ```yaml} with a {@code jenkins:} or
 * {@code credentials:} root) example of README.md and docs/*.md, run as written in a real Jenkins against the local
 * Docker engine with real Sysbox, so that a doc cannot drift from what works. A block that is not meant to run is
 * marked {@code ```text} in the docs.
 *
 * <p>What the test bed lacks is substituted, and only that, each stated here and printed when it happens:
 * <ul>
 *   <li>The Pipeline examples check out a sample project standing for "your repository"
 *   ({@code src/test/resources/…/docs-project}: a Dockerfile with a {@code build} stage, a compose.yaml, the scripts
 *   the examples call), through a test SCM that copies it into the workspace ({@code checkout scm}, and Declarative's
 *   implicit checkout).</li>
 *   <li>The inner Docker engines reach no registry here, so every template gets {@code sca-test/busybox:latest} (the
 *   sample project's base image) as {@code preloadImages}.</li>
 *   <li>Configuration as Code examples are applied as written first. To run a build with them, their hosts named
 *   {@code *.example.com} become the local engine (without their TLS credentials: there is one engine here, reached by
 *   its socket; TLS is tested by TlsEndToEndDockerTest) and images under {@code registry.example.com} become the local
 *   agent image, which is then on the host already.</li>
 *   <li>{@code input} steps are answered "Proceed" by the test.</li>
 * </ul>
 * The Pipeline examples run with the cloud of the README's quick start.
 */
@WithJenkins
class DocsExamplesJenkinsTest {
    private static final Set<String> JCASC_ROOTS = Set.of("jenkins", "credentials", "unclassified", "security", "tool");
    /** How many example builds run at once (the machine has 2 cores; each agent starts an inner dockerd). */
    private static final int PARALLEL = Integer.getInteger("sca.docsExamples.parallel", 3);

    /** A fenced block of a Markdown file. */
    record Block(String file, int line, String lang, String text) {
        String where() {
            return file + ":" + line + " (```" + lang + ")";
        }
    }

    /** The fenced blocks of README.md and docs/*.md, with their language and first line (1-based). */
    static List<Block> blocks() throws IOException {
        Path root = ProjectRoot.find();
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Block> out = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            String name = root.relativize(f).toString();
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                String t = l.stripLeading();
                if (!t.startsWith("```")) {
                    continue;
                }
                int indent = l.length() - t.length();
                String lang = t.substring(3).trim();
                StringBuilder body = new StringBuilder();
                int start = i + 1;
                for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                    String b = lines.get(i);
                    body.append(b.length() >= indent && b.substring(0, indent).isBlank() ? b.substring(indent) : b.strip())
                            .append('\n');
                }
                out.add(new Block(name, start, lang, body.toString()));
            }
        }
        return out;
    }

    /** A Pipeline for the Kubernetes plugin's {@code podTemplate} step (docs/kubernetes.md): not ours to run here. */
    static boolean forKubernetesPlugin(Block b) {
        return b.lang().equals("groovy") && b.text().startsWith("podTemplate(");
    }

    /** Whether a Configuration as Code example's first cloud places its agents on Kubernetes. */
    static boolean placesOnKubernetes(Block b) {
        Object doc = new Yaml().load(b.text());
        return doc instanceof Map<?, ?> m && m.get("jenkins") instanceof Map<?, ?> j && j.get("clouds") instanceof List<?> l
                && !l.isEmpty() && l.get(0) instanceof Map<?, ?> c && c.get("systemContainer") instanceof Map<?, ?> sc
                && sc.containsKey("kubernetes");
    }

    static boolean isJcasc(Block b) {
        List<Object> docs = new ArrayList<>();
        new Yaml().loadAll(b.text()).forEach(docs::add); // a Kubernetes manifest may hold several documents
        Object doc = docs.size() == 1 ? docs.get(0) : null;
        return doc instanceof Map<?, ?> m && !m.isEmpty() && JCASC_ROOTS.containsAll(m.keySet());
    }

    /**
     * YAML blocks that are not Jenkins configuration are host automation (an Ansible playbook, a cloud-init file in
     * runtime-node.md): they must parse, and be one of those, or be marked as text.
     */
    static String otherYamlKind(Block b) {
        List<Object> docs = new ArrayList<>();
        new Yaml().loadAll(b.text()).forEach(docs::add);
        if (!docs.isEmpty() && docs.stream().allMatch(d -> d instanceof Map<?, ?> m && m.containsKey("apiVersion")
                && m.containsKey("kind"))) {
            return "Kubernetes manifest";
        }
        Object doc = docs.size() == 1 ? docs.get(0) : null;
        if (b.text().startsWith("#cloud-config") && doc instanceof Map) {
            return "cloud-init";
        }
        if (doc instanceof List<?> plays && !plays.isEmpty() && plays.stream().allMatch(p -> p instanceof Map<?, ?> m
                && m.containsKey("hosts") && m.containsKey("tasks"))) {
            return "Ansible playbook";
        }
        return null;
    }

    /** The docs have the examples this test is for, and every groovy and yaml block is one it knows how to run. */
    @Test
    void everyGroovyAndYamlBlockOfTheDocsIsAnExample() throws Exception {
        List<Block> all = blocks();
        List<Block> groovy = all.stream().filter(b -> b.lang().equals("groovy")).toList();
        List<Block> yaml = all.stream().filter(b -> b.lang().equals("yaml")).toList();
        System.out.println("DOCS: " + all.size() + " fenced blocks, " + groovy.size() + " groovy, " + yaml.size() + " yaml");
        assertTrue(groovy.size() >= 15, "fewer Pipeline examples than the docs had: " + groovy.size());
        assertTrue(groovy.stream().anyMatch(b -> b.text().startsWith("pipeline {") && b.text().contains("agent { label 'docker' }")),
                "no Declarative example with agent { label 'docker' }");
        assertTrue(groovy.stream().anyMatch(b -> b.text().contains(".inside {")), "no docker.image(…).inside example");
        List<String> unknown = new ArrayList<>();
        int jcasc = 0;
        for (Block b : yaml) {
            if (isJcasc(b)) {
                jcasc++;
            } else if (otherYamlKind(b) == null) {
                unknown.add(b.where());
            } else {
                System.out.println("DOCS: " + b.where() + " is " + otherYamlKind(b) + ", not Jenkins configuration: parsed only");
            }
        }
        assertEquals(List.of(), unknown, "yaml blocks that are neither Configuration as Code nor host automation "
                + "(mark them ```text if they are not meant to run)");
        assertTrue(jcasc >= 2, "the README's and the admin guide's Configuration as Code examples are missing");
        for (Block b : groovy) {
            assertTrue(!b.text().contains("…") && !b.text().contains("..."), b.where() + " has an ellipsis: pseudo-code "
                    + "belongs in a ```text block");
        }
    }

    /**
     * Each Configuration as Code example applies as written and makes the clouds it names; then, with the test bed's
     * substitutions, a build with the label of its first template runs Docker in its agent.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void everyConfigurationAsCodeExampleAppliesAndItsCloudBuilds(JenkinsRule r, @TempDir Path tmp) throws Exception {
        List<Block> examples = blocks().stream().filter(b -> b.lang().equals("yaml") && isJcasc(b)).toList();
        boolean docker = dockerPresent();
        Set<String> scopes = new LinkedHashSet<>();
        try {
            for (Block b : examples) {
                System.out.println("DOCS EXAMPLE " + b.where() + ": applying as written");
                Path asWritten = tmp.resolve("as-written-" + b.line() + ".yaml");
                Files.writeString(asWritten, b.text());
                ConfigurationAsCode.get().configure(asWritten.toString());
                List<SystemContainerCloud> clouds = cloudsNamedIn(b);
                assertTrue(!clouds.isEmpty(), b.where() + " made no System Container Agents cloud");
                if (!docker) {
                    continue;
                }
                String substituted = b.text()
                        .replaceAll("uri: \"tcp://[^\"]*\\.example\\.com:\\d+\"", "uri: \"unix:///var/run/docker.sock\"")
                        .replaceAll("(?m)^\\s*credentialsId: \"[^\"]*\"\\n", "")
                        .replaceAll("registry\\.example\\.com/[^\"\\s]*system-container-agent:[^\"\\s]*",
                                DockerTestSupport.AGENT_IMAGE);
                if (!substituted.equals(b.text())) {
                    System.out.println("DOCS EXAMPLE " + b.where() + ": hosts *.example.com -> the local engine, "
                            + "registry.example.com's agent image -> " + DockerTestSupport.AGENT_IMAGE);
                }
                Path run = tmp.resolve("substituted-" + b.line() + ".yaml");
                Files.writeString(run, substituted);
                ConfigurationAsCode.get().configure(run.toString());
                SystemContainerCloud cloud = cloudsNamedIn(b).get(0);
                if (placesOnKubernetes(b)) {
                    System.out.println("DOCS EXAMPLE " + b.where() + ": cloud " + cloud.name + " places agents on "
                            + "Kubernetes: applied; no build (no cluster here, see docs/kubernetes.md)");
                    continue;
                }
                scopes.add(JenkinsDocker.scope(r.jenkins, cloud));
                AgentTemplate t = cloud.getTemplates().get(0);
                preloadForTheTestBed(cloud);
                String label = t.getLabelString().isBlank() ? t.getName() : t.getLabelString().trim().split("\\s+")[0];
                FreeStyleProject p = r.createFreeStyleProject("jcasc-" + b.file().replaceAll("[^a-zA-Z0-9]", "-") + "-" + b.line());
                p.setAssignedLabel(Label.get(label));
                p.getBuildersList().add(new Shell("docker run --rm " + DockerTestSupport.TINY_IMAGE + " echo built-by-the-docs-cloud"));
                long t0 = System.nanoTime();
                FreeStyleBuild build = r.buildAndAssertSuccess(p);
                r.assertLogContains("built-by-the-docs-cloud", build);
                System.out.println("DOCS EXAMPLE " + b.where() + ": cloud " + cloud.name + ", label " + label + ": "
                        + build.getResult() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                JenkinsDocker.awaitNoContainers(JenkinsDocker.scope(r.jenkins, cloud), Duration.ofSeconds(60));
            }
            if (!docker) {
                System.out.println("DOCS: Configuration as Code examples applied; their builds SKIPPED: " + whyNoDocker);
            }
        } finally {
            scopes.forEach(JenkinsDocker::purge);
        }
    }

    /** Every Pipeline example runs as written and succeeds, with the cloud of the README's quick start. */
    @Test
    @Timeout(value = 13, unit = TimeUnit.MINUTES)
    void everyPipelineExampleRunsAsWrittenOnRealSysbox(JenkinsRule r, @TempDir Path tmp) throws Exception {
        JenkinsDocker.require();
        List<Block> all = blocks();
        Block quickStart = all.stream().filter(b -> b.file().equals("README.md") && b.lang().equals("yaml") && isJcasc(b))
                .findFirst().orElseThrow(() -> new AssertionError("README.md has no Configuration as Code quick start"));
        Path casc = tmp.resolve("readme.yaml");
        Files.writeString(casc, quickStart.text());
        ConfigurationAsCode.get().configure(casc.toString());
        SystemContainerCloud cloud = cloudsNamedIn(quickStart).get(0);
        System.out.println("DOCS: the Pipeline examples run with cloud '" + cloud.name + "' of " + quickStart.where());
        preloadForTheTestBed(cloud);
        String scope = JenkinsDocker.scope(r.jenkins, cloud);
        Map<String, String> project = sampleProject();
        List<Block> groovy = all.stream().filter(b -> b.lang().equals("groovy") && !forKubernetesPlugin(b)).toList();
        all.stream().filter(DocsExamplesJenkinsTest::forKubernetesPlugin).forEach(b -> System.out.println("DOCS EXAMPLE "
                + b.where() + ": NOT RUN: a pod template of the Kubernetes plugin (needs that plugin and a cluster)"));
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        Thread answerer = new Thread(DocsExamplesJenkinsTest::answerInputs, "docs-examples-input");
        answerer.setDaemon(true);
        answerer.start();
        long t0 = System.nanoTime();
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (Block b : groovy) {
                WorkflowJob job = r.createProject(WorkflowJob.class, b.file().replaceAll("[^a-zA-Z0-9]", "-") + "-L" + b.line());
                Map<String, String> files = new TreeMap<>(project);
                files.put("Jenkinsfile", b.text());
                job.setDefinition(new CpsScmFlowDefinition(new DocsProjectScm(files), "Jenkinsfile"));
                runs.add(pool.submit(() -> {
                    long s = System.nanoTime();
                    try {
                        WorkflowRun run = job.scheduleBuild2(0).get(10, TimeUnit.MINUTES);
                        long ms = (System.nanoTime() - s) / 1_000_000;
                        System.out.println("DOCS EXAMPLE " + b.where() + ": " + run.getResult() + " in " + ms + " ms"
                                + " (job " + job.getName() + ")");
                        if (run.getResult() != Result.SUCCESS) {
                            failures.add(b.where() + ": " + run.getResult());
                            System.out.println("---- " + b.where() + " ran:\n" + b.text() + "---- its log:\n" + run.getLog()
                                    + "----");
                        }
                    } catch (Exception e) {
                        failures.add(b.where() + ": " + e);
                        System.out.println("DOCS EXAMPLE " + b.where() + ": did not finish: " + e);
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(12, TimeUnit.MINUTES);
            }
            System.out.println("DOCS: " + groovy.size() + " Pipeline examples in " + (System.nanoTime() - t0) / 1_000_000
                    + " ms, " + PARALLEL + " at a time; failed: " + failures);
            assertEquals(List.of(), failures, "Pipeline examples of the docs that no longer work as written");
            JenkinsDocker.awaitNoContainers(scope, Duration.ofSeconds(90));
        } finally {
            answerer.interrupt();
            pool.shutdownNow();
            JenkinsDocker.purge(scope);
        }
    }

    private static volatile String whyNoDocker;

    private static boolean dockerPresent() {
        try {
            JenkinsDocker.require();
            return true;
        } catch (org.opentest4j.TestAbortedException e) {
            whyNoDocker = e.getMessage();
            return false;
        }
    }

    /** The clouds a Configuration as Code block names, as Jenkins has them now. */
    private static List<SystemContainerCloud> cloudsNamedIn(Block b) {
        List<SystemContainerCloud> out = new ArrayList<>();
        Object doc = new Yaml().load(b.text());
        if (doc instanceof Map<?, ?> m && m.get("jenkins") instanceof Map<?, ?> j && j.get("clouds") instanceof List<?> clouds) {
            for (Object c : clouds) {
                if (c instanceof Map<?, ?> entry && entry.get("systemContainer") instanceof Map<?, ?> sc) {
                    Cloud cloud = Jenkins.get().getCloud(String.valueOf(sc.get("name")));
                    assertNotNull(cloud, b.where() + ": no cloud named " + sc.get("name") + " after applying it");
                    SystemContainerCloud s = (SystemContainerCloud) cloud;
                    int hosts = sc.get("hosts") instanceof List<?> h ? h.size() : 0; // none: agents on Kubernetes
                    assertEquals(hosts, s.getHosts().size(), b.where() + ": hosts");
                    assertEquals(((List<?>) sc.get("templates")).size(), s.getTemplates().size(), b.where() + ": templates");
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** The inner Docker engines reach no registry here: the sample project's base image is preloaded instead. */
    private static void preloadForTheTestBed(SystemContainerCloud cloud) {
        for (AgentTemplate t : cloud.getTemplates()) {
            System.out.println("DOCS: template " + t.getName() + " of cloud " + cloud.name + ": preloadImages "
                    + DockerTestSupport.TINY_IMAGE + " (the test bed reaches no registry)");
            t.setPreloadImages(DockerTestSupport.TINY_IMAGE);
        }
    }

    /** Answers "Proceed" to every input step of the running example builds (the parallel-blocks example asks). */
    private static void answerInputs() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                for (WorkflowJob j : Jenkins.get().getAllItems(WorkflowJob.class)) {
                    WorkflowRun run = j.getLastBuild();
                    InputAction a = run == null || !run.isBuilding() ? null : run.getAction(InputAction.class);
                    if (a != null) {
                        for (InputStepExecution e : a.getExecutions()) {
                            if (!e.isSettled()) {
                                System.out.println("DOCS: answering input '" + e.getInput().getMessage() + "' of " + run
                                        + " with Proceed");
                                e.doProceedEmpty();
                            }
                        }
                    }
                }
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                System.out.println("DOCS: answering an input failed: " + e);
            }
        }
    }

    /** The sample project's files, path to content. */
    private static Map<String, String> sampleProject() throws IOException {
        Path dir = ProjectRoot.find().resolve("src/test/resources/io/jenkins/plugins/syscontainer/docs-project");
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), Files.readString(p));
            }
        }
        assertTrue(files.containsKey("Dockerfile"), "the sample project has no Dockerfile: " + files.keySet());
        return files;
    }

    /**
     * "Your repository" for the examples: writes the sample project's files (scripts executable) into the workspace.
     * Stands for Git, which this test bed's Jenkins does not have.
     */
    public static final class DocsProjectScm extends SCM {
        private final TreeMap<String, String> files;

        DocsProjectScm(Map<String, String> files) {
            this.files = new TreeMap<>(files);
        }

        @Override
        public void checkout(@NonNull Run<?, ?> build, @NonNull Launcher launcher, @NonNull FilePath workspace,
                @NonNull TaskListener listener, File changelogFile, SCMRevisionState baseline)
                throws IOException, InterruptedException {
            for (Map.Entry<String, String> e : files.entrySet()) {
                FilePath f = workspace.child(e.getKey());
                FilePath parent = f.getParent();
                if (parent != null) {
                    parent.mkdirs();
                }
                f.write(e.getValue(), "UTF-8");
                if (e.getValue().startsWith("#!")) {
                    f.chmod(0755);
                }
            }
            listener.getLogger().println("[docs-project] checked out " + files.size() + " files of the sample project");
        }

        @Override
        public SCMRevisionState calcRevisionsFromBuild(@NonNull Run<?, ?> build, FilePath workspace, Launcher launcher,
                @NonNull TaskListener listener) {
            return SCMRevisionState.NONE;
        }

        @Override
        public boolean supportsPolling() {
            return false;
        }

        @Override
        public ChangeLogParser createChangeLogParser() {
            return NullChangeLogParser.INSTANCE;
        }

        @TestExtension
        public static final class DescriptorImpl extends SCMDescriptor<DocsProjectScm> {
            public DescriptorImpl() {
                super(null);
            }

            @NonNull
            @Override
            public String getDisplayName() {
                return "Docs sample project";
            }
        }
    }
}
