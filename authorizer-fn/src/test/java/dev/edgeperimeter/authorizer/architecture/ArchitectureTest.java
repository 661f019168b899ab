package dev.edgeperimeter.authorizer.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.edgeperimeter.authorizer.wiring.Authorizer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The authorizer's layering, pinned: the handlers (top-level package, the only Lambda-typed code
 * beside the wiring) call the pipeline, which calls the core (with event parsing and telemetry),
 * which calls the verifiers (assertion, keys, user token, policy). Nothing below the handlers knows
 * them or the wiring; only the handlers and the wiring see Lambda types; the AWS SDK lives in the
 * shared module, and only the wiring here touches it.
 */
@DisplayName("Architecture: handlers -> pipeline -> core -> verifiers; no Lambda types below the handlers")
class ArchitectureTest {
  private static final String ROOT = "dev.edgeperimeter.authorizer";
  /** The authorizer's main classes, read from where they were compiled (not found through a class loader). */
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .importUrl(Authorizer.class.getProtectionDomain().getCodeSource().getLocation());

  @Test
  @DisplayName("the authorizer's classes are all read")
  void classesAreImported() {
    assertThat(CLASSES.containPackage(ROOT + ".wiring")).isTrue();
    assertThat(CLASSES.stream().filter(c -> c.getPackageName().equals(ROOT)).count()).isGreaterThanOrEqualTo(4);
  }

  @Test
  @DisplayName("layers are called from above only")
  void layers() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("Handlers").definedBy(ROOT)
        .layer("Wiring").definedBy(ROOT + ".wiring..")
        .layer("Pipeline").definedBy(ROOT + ".pipeline..")
        .layer("Core").definedBy(ROOT + ".core..", ROOT + ".event..", ROOT + ".telemetry..")
        .layer("Verifiers").definedBy(ROOT + ".assertion..", ROOT + ".keys..", ROOT + ".usertoken..", ROOT + ".policy..")
        .whereLayer("Handlers").mayNotBeAccessedByAnyLayer()
        .whereLayer("Wiring").mayOnlyBeAccessedByLayers("Handlers")
        .whereLayer("Pipeline").mayOnlyBeAccessedByLayers("Handlers", "Wiring")
        .check(CLASSES);
  }

  @Test
  @DisplayName("the core and the verifiers never call the pipeline, the wiring or a handler")
  void nothingBelowDependsOnWiringOrHandlers() {
    noClasses().that().resideInAnyPackage(ROOT + ".core..", ROOT + ".event..", ROOT + ".telemetry..",
            ROOT + ".assertion..", ROOT + ".keys..", ROOT + ".usertoken..", ROOT + ".policy..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT, ROOT + ".wiring..", ROOT + ".pipeline..")
        .check(CLASSES);
    noClasses().that().resideInAnyPackage(ROOT + ".pipeline..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT, ROOT + ".wiring..")
        .check(CLASSES);
  }

  @Test
  @DisplayName("telemetry is used by the pipeline and the wiring, not by the verifiers")
  void verifiersDoNotLog() {
    noClasses().that().resideInAnyPackage(ROOT + ".core..", ROOT + ".assertion..", ROOT + ".keys..",
            ROOT + ".usertoken..", ROOT + ".policy..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".telemetry..")
        .check(CLASSES);
  }

  @Test
  @DisplayName("only the handlers and the wiring see Lambda types")
  void noLambdaTypesBelowTheHandlers() {
    noClasses().that().resideOutsideOfPackages(ROOT, ROOT + ".wiring..")
        .should().dependOnClassesThat().resideInAnyPackage("com.amazonaws.services.lambda..")
        .check(CLASSES);
  }

  @Test
  @DisplayName("the AWS SDK is reached only through the wiring (the SDK clients live in the shared module)")
  void awsSdkOnlyInTheWiring() {
    noClasses().that().resideOutsideOfPackage(ROOT + ".wiring..")
        .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..")
        .check(CLASSES);
  }
}
