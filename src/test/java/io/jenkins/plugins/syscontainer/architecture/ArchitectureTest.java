package io.jenkins.plugins.syscontainer.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rooms of the code (docs/architecture.md) and the directions allowed between them, checked on the compiled main
 * classes:
 * <ul>
 *   <li>the engine knows nothing of Jenkins nor of the Jenkins layer; its cache room does not reach into the Docker
 *   backend, and its backend-neutral root reaches into neither;</li>
 *   <li>the Jenkins layer's rooms depend downwards only: agent &lt; provisioning &lt; cloud &lt; pipeline, cleanup,
 *   status; nothing depends on the status page or the pipeline step;</li>
 *   <li>no package cycles;</li>
 *   <li>the metrics only read: they ask the engine for nothing but its in-memory view.</li>
 * </ul>
 * Each rule is also run against deliberate violations in {@code architecture.fixture}, so a rule that could not fail
 * would fail this test.
 */
class ArchitectureTest {
    static final String ROOT = "io.jenkins.plugins.syscontainer";
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
        assertTrue(main.size() > 100, "main classes not found: " + main.size());
    }

    static ArchRule engineIndependent(String engine) {
        return noClasses().that().resideInAPackage(engine + "..").should().dependOnClassesThat()
                .resideInAnyPackage("hudson..", "jenkins..", "org.kohsuke..", "org.jenkinsci..", ROOT,
                        ROOT + ".agent..", ROOT + ".provisioning..", ROOT + ".pipeline..", ROOT + ".status..",
                        ROOT + ".cleanup..")
                .because("the engine runs without Jenkins (the command-line tool, the benchmarks) and is tested against"
                        + " real Docker alone");
    }

    static ArchRule noCycles(String base) {
        return slices().matching(base + ".(**)").should().beFreeOfCycles();
    }

    @Test
    void theEngineKnowsNothingOfJenkins() {
        engineIndependent(ROOT + ".engine").check(main);
    }

    @Test
    void theEnginesRoomsDependOnlyOnWhatTheyNeed() {
        noClasses().that().resideInAPackage(ROOT + ".engine.cache..").should().dependOnClassesThat()
                .resideInAPackage(ROOT + ".engine.docker..")
                .because("the cache pools decide; a backend's VolumeStore does the I/O").check(main);
        noClasses().that().resideInAPackage(ROOT + ".engine").should().dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".engine.docker..", ROOT + ".engine.cache..", ROOT + ".engine.cli..",
                        ROOT + ".engine.k8s..")
                .because("the engine's root is the backend-neutral API every backend implements").check(main);
        noClasses().that().resideInAPackage(ROOT + ".engine.k8s..").should().dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".engine.docker..", ROOT + ".engine.cache..", ROOT + ".engine.cli..")
                .because("the Kubernetes backend stands beside the Docker one, on the engine's root only").check(main);
    }

    @Test
    void theJenkinsLayersRoomsDependDownwardsOnly() {
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage(ROOT + "..")
                .layer("Engine").definedBy(ROOT + ".engine..")
                .layer("Agent").definedBy(ROOT + ".agent..")
                .layer("Provisioning").definedBy(ROOT + ".provisioning..")
                .layer("Cloud").definedBy(ROOT)
                .layer("Pipeline").definedBy(ROOT + ".pipeline..")
                .layer("Cleanup").definedBy(ROOT + ".cleanup..")
                .layer("Status").definedBy(ROOT + ".status..")
                .whereLayer("Status").mayNotBeAccessedByAnyLayer()
                .whereLayer("Pipeline").mayNotBeAccessedByAnyLayer()
                .whereLayer("Cleanup").mayOnlyBeAccessedByLayers("Status")
                .whereLayer("Cloud").mayOnlyBeAccessedByLayers("Pipeline", "Cleanup", "Status")
                .whereLayer("Provisioning").mayOnlyBeAccessedByLayers("Cloud", "Pipeline", "Cleanup", "Status")
                .whereLayer("Agent").mayOnlyBeAccessedByLayers("Provisioning", "Cloud", "Pipeline", "Cleanup", "Status")
                .whereLayer("Engine").mayOnlyBeAccessedByLayers("Agent", "Provisioning", "Cloud", "Pipeline", "Cleanup",
                        "Status")
                .check(main);
    }

    @Test
    void thereAreNoPackageCycles() {
        noCycles(ROOT).check(main);
    }

    @Test
    void theMetricsOnlyRead() {
        noClasses().that().haveSimpleName("MetricsGauges").should().callMethodWhere(
                com.tngtech.archunit.base.DescribedPredicate.describe("a call that changes or asks the platform",
                        call -> call.getTargetOwner().getPackageName().startsWith(ROOT + ".engine")
                                && !java.util.Set.of("caches", "hosts", "timings", "templates", "summary", "samples",
                                        "record", "p50", "p90", "warm", "cold", "queueToOnline", "volumes", "hits",
                                        "misses", "evictions").contains(call.getName())))
                .check(main);
    }

    @Test
    void theRulesCatchViolations() {
        JavaClasses fixtures = new ClassFileImporter().importPackages(ROOT + ".architecture.fixture");
        assertThrows(AssertionError.class, () -> engineIndependent(ROOT + ".architecture.fixture.engine").check(fixtures));
        assertThrows(AssertionError.class, () -> noCycles(ROOT + ".architecture.fixture").check(fixtures));
    }
}
