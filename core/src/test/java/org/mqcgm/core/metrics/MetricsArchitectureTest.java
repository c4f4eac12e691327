package org.mqcgm.core.metrics;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The metrics engine is pure: JDK only, and no I/O outside the reader in the io subpackage. */
class MetricsArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.mqcgm.core.metrics");

    @Test
    void metricsDependOnlyOnTheJdk() {
        classes().that().resideInAPackage("org.mqcgm.core.metrics..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.mqcgm.core.metrics..", "org.mqcgm.core.glucose..")
                .check(MAIN);
    }

    @Test
    void metricsCodeOutsideTheReaderDoesNoIo() {
        noClasses().that().resideInAPackage("org.mqcgm.core.metrics")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..")
                .check(MAIN);
    }

    @Test
    void theReaderOnlyUsesReaders() {
        noClasses().that().resideInAPackage("org.mqcgm.core.metrics.io")
                .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "java.net..")
                .orShould().dependOnClassesThat().haveSimpleNameEndingWith("FileReader")
                .orShould().dependOnClassesThat().haveSimpleNameEndingWith("FileInputStream")
                .check(MAIN);
    }
}
