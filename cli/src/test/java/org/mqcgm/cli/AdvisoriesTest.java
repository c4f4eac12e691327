package org.mqcgm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline dependency vulnerability check (ASVS V14.2.1): a CycloneDX SBOM against the checked-in OSV advisories
 * ({@code security/advisories}); and every jar this module runs with, none of which any advisory may name.
 */
class AdvisoriesTest {

    private static final Path ADVISORIES = Path.of("..", "security", "advisories");

    @Test
    void aKnownVulnerableVersionInTheSbomIsFound(@TempDir Path dir) throws Exception {
        Path bom = dir.resolve("bom.json");
        Files.writeString(bom, """
                {"bomFormat":"CycloneDX","specVersion":"1.6","components":[
                 {"group":"org.apache.logging.log4j","name":"log4j-core","version":"2.14.1",
                  "purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar"},
                 {"group":"org.postgresql","name":"postgresql","version":"42.7.1",
                  "purl":"pkg:maven/org.postgresql/postgresql@42.7.1?type=jar"},
                 {"group":"org.postgresql","name":"postgresql","version":"42.7.2",
                  "purl":"pkg:maven/org.postgresql/postgresql@42.7.2?type=jar"},
                 {"group":"com.fasterxml.jackson.core","name":"jackson-databind","version":"2.12.6.1",
                  "purl":"pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.12.6.1?type=jar"},
                 {"group":"org.apache.logging.log4j","name":"log4j-core","version":"2.0-beta8",
                  "purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.0-beta8?type=jar"},
                 {"group":"ch.qos.logback","name":"logback-classic","version":"1.4.11",
                  "purl":"pkg:maven/ch.qos.logback/logback-classic@1.4.11?type=jar"}]}""");
        List<String> found = Advisories.check(Advisories.components(bom), Advisories.load(ADVISORIES)).stream()
                .map(m -> m.component().name() + "@" + m.component().version() + " " + m.advisory()).toList();
        assertThat(found).containsExactlyInAnyOrder(
                "org.apache.logging.log4j:log4j-core@2.14.1 GHSA-jfh8-c2jp-5v3q",
                "org.postgresql:postgresql@42.7.1 GHSA-24rp-q3w6-vc56",
                "ch.qos.logback:logback-classic@1.4.11 GHSA-vmq6-5m68-f53m");
        assertThat(Advisories.compare("2.0-beta9", "2.0")).isNegative();
        assertThat(Advisories.compare("2.12.6.1", "2.12.6")).isPositive();
        assertThat(Advisories.compare("1.0", "1.0.0")).isZero();
    }

    @Test
    void noJarTheServerRunsWithIsNamedByAKnownAdvisory() {
        List<Advisories.Component> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            // …/repository/<group path>/<artifact>/<version>/<artifact>-<version>.jar
            Path p = Path.of(entry);
            int n = p.getNameCount();
            int repo = -1;
            for (int i = 0; i < n; i++) {
                if (p.getName(i).toString().equals("repository")) {
                    repo = i;
                }
            }
            if (repo < 0 || n - repo < 5 || !entry.endsWith(".jar")) {
                continue;
            }
            String version = p.getName(n - 2).toString();
            String artifact = p.getName(n - 3).toString();
            String group = p.subpath(repo + 1, n - 3).toString().replace(File.separatorChar, '.');
            jars.add(new Advisories.Component(group + ":" + artifact, version));
        }
        assertThat(jars).as("the test class path's jars").anySatisfy(c ->
                assertThat(c.name()).isEqualTo("org.postgresql:postgresql"));
        assertThat(Advisories.check(jars, Advisories.load(ADVISORIES))).isEmpty();
        Path bom = Path.of("..", "target", "bom.json");
        if (Files.exists(bom)) {
            assertThat(Advisories.check(Advisories.components(bom), Advisories.load(ADVISORIES))).isEmpty();
        }
    }
}
