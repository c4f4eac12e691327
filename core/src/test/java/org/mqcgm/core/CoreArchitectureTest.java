package org.mqcgm.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core stays plain Java: the clinical numbers must not depend on a web framework, a database or I/O. */
class CoreArchitectureTest {

    private static final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.mqcgm.core");

    @Test
    void coreDependsOnlyOnTheJdk() {
        noClasses().that().resideInAPackage("org.mqcgm.core..")
                .should().dependOnClassesThat().resideOutsideOfPackages("org.mqcgm.core..", "java..")
                .because("the domain core has no framework imports")
                .check(core);
    }

    @Test
    void coreDoesNoIo() {
        noClasses().that().resideInAPackage("org.mqcgm.core..")
                .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..", "java.net..", "java.sql..")
                .orShould().dependOnClassesThat().belongToAnyOf(java.io.File.class, java.io.FileInputStream.class,
                        java.io.FileOutputStream.class, java.io.FileReader.class, java.io.FileWriter.class)
                .because("the domain core is pure: callers do the I/O")
                .check(core);
    }
}
