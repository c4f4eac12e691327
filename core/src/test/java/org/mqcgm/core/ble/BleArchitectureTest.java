package org.mqcgm.core.ble;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The codec is pure: java.base value types only, no I/O, no frameworks. */
class BleArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.mqcgm.core.ble");

    @Test
    void codecDependsOnlyOnLangUtilMathAndTime() {
        classes().that().resideInAPackage("org.mqcgm.core.ble")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "org.mqcgm.core.ble..", "java.lang..", "java.util..", "java.math..", "java.time..")
                .check(MAIN);
    }
}
