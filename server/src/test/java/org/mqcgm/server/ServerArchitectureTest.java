package org.mqcgm.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the package-by-feature shape: the shared platform knows no feature; a feature reaches another only through
 * that feature's public face (its {@code *Feature} class and the ports it hands out), never its internals — the
 * composition root ({@code App}) wires features together; and the production server knows neither the demo nor
 * the embedded PostgreSQL (both are other modules; the server's build also bans them from its compile and runtime
 * dependencies).
 */
class ServerArchitectureTest {

    static final List<String> FEATURES = List.of("accounts", "glucose", "reports", "privacy", "health", "fhir",
            "transfers", "rights", "cancellation", "photos", "sharing", "logbook", "clinician",
            "community", "egress", "newsletter",
            "transparency");

    /** Imported once for all rules: importing resolves what the classes use, HAPI FHIR included (seconds each). */
    private static final JavaClasses server = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.mqcgm.server");

    @Test
    void platformDependsOnNoFeature() {
        noClasses().that().resideInAPackage("org.mqcgm.server.platform..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        FEATURES.stream().map(f -> "org.mqcgm.server." + f + "..").toArray(String[]::new))
                .check(server);
    }

    @Test
    void theProductionServerUsesNeitherTheDemoNorTheEmbeddedPostgres() {
        noClasses().that().resideInAPackage("org.mqcgm.server..")
                .should().dependOnClassesThat().resideInAnyPackage("org.mqcgm.demo..", "org.mqcgm.localdb..",
                        "io.zonky..")
                .check(server);
    }

    static List<String> features() {
        return FEATURES;
    }

    @ParameterizedTest
    @MethodSource("features")
    void aFeatureUsesNoOtherFeaturesInternals(String feature) {
        String own = "org.mqcgm.server." + feature + "..";
        DescribedPredicate<JavaClass> otherFeaturesInternals = new DescribedPredicate<>(
                "internals of a feature other than " + feature) {
            @Override
            public boolean test(JavaClass c) {
                String pkg = c.getPackageName();
                for (String other : FEATURES) {
                    if (!other.equals(feature) && (pkg.equals("org.mqcgm.server." + other)
                            || pkg.startsWith("org.mqcgm.server." + other + "."))) {
                        return !c.getSimpleName().endsWith("Feature");
                    }
                }
                return false;
            }
        };
        noClasses().that().resideInAPackage(own)
                .should().dependOnClassesThat(otherFeaturesInternals)
                .check(server);
    }

    @Test
    void sqlStaysInsideTheFeatureThatOwnsIt() {
        noClasses().that().resideInAPackage("org.mqcgm.server.glucose..")
                .should().dependOnClassesThat().haveSimpleName("AccountStore")
                .check(server);
    }

    /** Every cookie is declared in the registry {@code SiteCookie} and set through {@code Cookies} (PR-36). */
    @Test
    @org.junit.jupiter.api.Tag("PR-36")
    void onlyTheCookieRegistrySetsCookies() {
        DescribedPredicate<com.tngtech.archunit.core.domain.JavaCall<?>> cookieCalls = new DescribedPredicate<>(
                "cookie methods of Javalin or the servlet API") {
            @Override
            public boolean test(com.tngtech.archunit.core.domain.JavaCall<?> call) {
                String owner = call.getTargetOwner().getName();
                String name = call.getName().toLowerCase(java.util.Locale.ROOT);
                return owner.equals("io.javalin.http.Cookie") || owner.equals("jakarta.servlet.http.Cookie")
                        || owner.equals("io.javalin.http.Context") && name.contains("cookie")
                        || owner.startsWith("jakarta.servlet.http.HttpServletResponse") && name.contains("cookie");
            }
        };
        noClasses().that().doNotHaveFullyQualifiedName("org.mqcgm.server.platform.web.Cookies")
                .should().callCodeUnitWhere(cookieCalls)
                .because("every cookie is declared in SiteCookie and set through Cookies (PR-36)")
                .check(server);
    }
}
