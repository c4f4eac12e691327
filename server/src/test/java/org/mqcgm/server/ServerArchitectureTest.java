package org.mqcgm.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package-by-feature shape: the shared platform knows no feature; the production server knows neither the
 * demo nor the embedded PostgreSQL (both are other modules; the server's build also bans them from its compile and
 * runtime dependencies).
 */
class ServerArchitectureTest {

    private final JavaClasses server = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.mqcgm.server");

    @Test
    void platformDependsOnNoFeature() {
        noClasses().that().resideInAPackage("org.mqcgm.server.platform..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.mqcgm.server.accounts..", "org.mqcgm.server.glucose..",
                        "org.mqcgm.server.health..", "org.mqcgm.server.privacy..", "org.mqcgm.server.reports..")
                .check(server);
    }

    @Test
    void theProductionServerUsesNeitherTheDemoNorTheEmbeddedPostgres() {
        noClasses().that().resideInAPackage("org.mqcgm.server..")
                .should().dependOnClassesThat().resideInAnyPackage("org.mqcgm.demo..", "org.mqcgm.localdb..",
                        "io.zonky..")
                .check(server);
    }

    @Test
    void sqlStaysInsideTheFeatureThatOwnsIt() {
        noClasses().that().resideInAPackage("org.mqcgm.server.glucose..")
                .should().dependOnClassesThat().haveSimpleName("AccountStore")
                .check(server);
    }
}
