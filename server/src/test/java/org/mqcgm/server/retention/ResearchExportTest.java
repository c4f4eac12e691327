package org.mqcgm.server.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.accounts.AccountsFeature;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.retention.ResearchSubjects;
import org.mqcgm.server.testing.TestApp;

/** The research export (PR-35): consenting adults only, approval required, de-identified, k-checked, registered. */
class ResearchExportTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    @Tag("PR-35")
    void onlyConsentingAdultsGoOutDeIdentifiedAndKAnonymousUnderAnApprovedStudyAndTheExportIsRegistered(
            @TempDir Path dir) throws Exception {
        Instant base = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.MINUTES);
        List<UUID> sources = new ArrayList<>();
        Set<Instant> sourceTimes = new HashSet<>();
        UUID minor = null;
        for (int i = 0; i < 9; i++) {
            // 6 consenting adults in Asia, 1 in Europe (a group of one: suppressed), 1 not consenting, 1 minor
            String zone = i == 6 ? "Europe/Berlin" : "Asia/Shanghai";
            UUID owner = app.newUser("research-" + i + "@example.org", TestApp.PASSWORD, ZoneId.of(zone));
            sources.add(owner);
            if (i != 7) {
                app.app().consents().record(owner, Purpose.RESEARCH, true, "test");
            }
            if (i == 8) {
                minor = owner;
            }
            List<Reading> readings = new ArrayList<>();
            for (int r = 0; r < 12; r++) {
                Instant t = base.plus(Duration.ofMinutes(5L * r + i));
                readings.add(Reading.utc(t, 100 + r));
                sourceTimes.add(t);
            }
            app.app().readings().store(owner, readings);
        }
        UUID theMinor = minor;
        ResearchSubjects subjects = AccountsFeature.researchSubjects(app.sql(), (o, from, to) -> app.app().readings()
                .store().range(o, from, to).stream().map(r -> new ResearchSubjects.Point(r.time(), r.mgdl())).toList());
        ResearchExports exports = new ResearchExports(app.sql(), app.app().consents(), subjects,
                p -> p.equals(theMinor), new ObjectMapper(), java.time.Clock.systemUTC(), 5, true);
        Path out = dir.resolve("study.json");

        // Without the ethics approval reference (or a study id) nothing is exported or registered.
        assertThatThrownBy(() -> exports.export(new ResearchExports.Request("STUDY-1", " ", "researcher@uni.example",
                base.minus(Duration.ofDays(1)), base.plus(Duration.ofDays(1)), out)))
                .hasMessageContaining("ethics approval");
        assertThatThrownBy(() -> exports.export(new ResearchExports.Request(null, "IRB-2026-117",
                "researcher@uni.example", base.minus(Duration.ofDays(1)), base.plus(Duration.ofDays(1)), out)))
                .hasMessageContaining("study id");
        assertThat(out).doesNotExist();
        assertThat(exports.register()).isEmpty();
        // The deployment's own export is off unless the operator turns research exports on.
        assertThatThrownBy(() -> app.app().feature(RetentionFeature.class).researchExports().export(
                new ResearchExports.Request("STUDY-1", "IRB-2026-117", "researcher@uni.example",
                        base.minus(Duration.ofDays(1)), base.plus(Duration.ofDays(1)), dir.resolve("off.json"))))
                .hasMessageContaining("off");

        ResearchExports.Result result = exports.export(new ResearchExports.Request("STUDY-1", "IRB-2026-117",
                "researcher@uni.example", base.minus(Duration.ofDays(1)), base.plus(Duration.ofDays(1)), out));

        assertThat(result.subjects()).isEqualTo(6);
        assertThat(result.suppressed()).isEqualTo(1);
        assertThat(result.classification()).isEqualTo("anonymised");
        String text = Files.readString(out);
        for (UUID source : sources) {
            assertThat(text).doesNotContain(source.toString());
        }
        assertThat(text).doesNotContain("@example.org").doesNotContain("Shanghai").doesNotContain("Berlin");
        JsonNode file = JSON.readTree(text);
        assertThat(file.path("classification").asText()).isEqualTo("anonymised");
        Map<String, Integer> groups = new HashMap<>();
        file.path("subjects").forEach(s -> {
            groups.merge(s.path("ageBand").asText() + "|" + s.path("region").asText() + "|"
                    + s.path("deviceModel").asText(), 1, Integer::sum);
            assertThat(s.path("readings")).hasSize(12);
            s.path("readings").forEach(p -> assertThat(sourceTimes).doesNotContain(Instant.parse(p.get(0).asText())));
        });
        assertThat(groups).containsOnlyKeys("unknown|Asia|unknown");
        assertThat(groups.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(5));
        // The export is in the register: who asked, the study, the approval, counts, and the file's hash.
        assertThat(exports.register()).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("study_id", "STUDY-1").containsEntry("ethics_ref", "IRB-2026-117")
                    .containsEntry("classification", "anonymised").containsEntry("subjects", 6)
                    .containsEntry("sha256", result.sha256());
        });
    }
}
