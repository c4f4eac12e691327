package org.mqcgm.server.transparency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.consent.DataCategory;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The record of processing (PR-02): {@code /privacy/processing.json}, public, lists every purpose of the registry
 * with its legal basis, categories, recipients and retention, and every persisted table and column of the live
 * schema (after every migration) — no more, no less — each with its purposes, legal basis and retention.
 */
class ProcessingRecordTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    /** Every column of the live schema, "table.column". */
    static Set<String> schemaColumns() {
        List<String> columns = app.sql().withHandle(h -> h.createQuery("""
                        select c.table_name || '.' || c.column_name from information_schema.columns c
                        join information_schema.tables t on t.table_schema = c.table_schema
                            and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
                        where c.table_schema = current_schema()""")
                .mapTo(String.class).list());
        return new TreeSet<>(columns);
    }

    /**
     * The CI check of PR-02: every persisted column is declared in {@code privacy/processing-columns.tsv} with its
     * category and purposes, and nothing declared is gone from the schema. The message says which lines to add or
     * remove.
     */
    @Test
    @Tag("PR-02")
    void everyPersistedColumnIsDeclaredAndEveryDeclarationExists() {
        Set<String> schema = schemaColumns();
        Set<String> declared = new TreeSet<>();
        ColumnDeclarations.load().forEach(c -> declared.add(c.table() + "." + c.column()));
        List<String> missing = schema.stream().filter(c -> !declared.contains(c)).toList();
        List<String> gone = declared.stream().filter(c -> !schema.contains(c)).toList();
        assertThat(missing).as("columns of the database not declared: add one line per column to"
                + " server/src/main/resources" + ColumnDeclarations.RESOURCE + " (table<TAB>column<TAB>category or"
                + " -<TAB>purposes), with a category of the requirements' table and purposes of Consents.Purpose"
                + " registered for it:\n" + String.join("\n", missing.stream().map(c -> c.replace('.', '\t')
                + "\t?\t?").toList()) + "\n").isEmpty();
        assertThat(gone).as("declared in " + ColumnDeclarations.RESOURCE + " but not in the database: remove them")
                .isEmpty();
    }

    @Test
    @Tag("PR-02")
    void processingJsonListsEveryPurposeAndExactlyTheSchemasColumns() throws Exception {
        HttpResponse<String> r = new Http(app.url()).get("/privacy/processing.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode json = JSON.readTree(r.body());

        List<String> ids = new ArrayList<>();
        for (JsonNode p : json.get("purposes")) {
            ids.add(p.get("id").asText());
            Purpose purpose = Purpose.parse(p.get("id").asText()).orElseThrow();
            assertThat(p.get("legalBasis").asText()).isEqualTo(purpose.basis().id());
            assertThat(p.get("description").asText()).isNotBlank();
            List<String> categories = new ArrayList<>();
            p.get("categories").forEach(c -> categories.add(c.asText()));
            assertThat(categories).containsExactlyInAnyOrderElementsOf(
                    purpose.categories().stream().map(DataCategory::code).toList());
            assertThat(p.get("recipients").isArray()).isTrue();
            assertThat(p.get("retention")).hasSize(categories.size());
            p.get("retention").forEach(x -> assertThat(x.get("retention").asText()).isNotBlank());
            // Processing without consent happens only under a basis declared in the policy's section I.2.
            if (purpose.basis() != org.mqcgm.server.platform.consent.Consents.Basis.CONSENT
                    && purpose.basis() != org.mqcgm.server.platform.consent.Consents.Basis.ACCEPTANCE) {
                assertThat(p.get("legalBasisClause").asText()).as(purpose.id()).startsWith("Ⅰ.2.");
                assertThat(p.get("withoutConsent").asBoolean()).isTrue();
            }
        }
        assertThat(ids).containsExactlyElementsOf(Arrays.stream(Purpose.values()).map(Purpose::id).toList());

        // The tables section diffs empty against the live schema.
        Set<String> listed = new TreeSet<>();
        for (JsonNode t : json.get("tables")) {
            for (JsonNode c : t.get("columns")) {
                listed.add(t.get("table").asText() + "." + c.get("column").asText());
                if (c.get("personal").asBoolean()) {
                    assertThat(c.get("purposes")).as(t + "." + c).isNotEmpty();
                    assertThat(c.get("legalBasis")).as(t + "." + c).isNotEmpty();
                    assertThat(c.get("retention").asText()).as(t + "." + c).isNotBlank();
                }
            }
        }
        assertThat(listed).isEqualTo(schemaColumns());
        // One example read end to end: the readings are CGM data kept for health data, on consent.
        JsonNode recent = find(json.get("tables"), "glucose_recent");
        assertThat(recent.get("personal").asBoolean()).isTrue();
        assertThat(recent.toString()).contains("\"category\":\"GLU\"").contains("health-data")
                .contains("\"legalBasis\":[\"consent\"");
    }

    private static JsonNode find(JsonNode tables, String name) {
        for (JsonNode t : tables) {
            if (t.get("table").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no table " + name);
    }

    /** The recipient registry and the retention schedule, once wired, are what the record states. */
    @Test
    void recipientsAndRetentionComeFromTheirPorts() {
        ProcessingRecord record = new ProcessingRecord(ColumnDeclarations.load(),
                p -> p == Purpose.NEWSLETTER ? List.of(new TransparencyFeature.Recipient("mailer", "Example Mailer",
                        "e-mail delivery (processor)", "CN")) : List.of(),
                code -> code.equals("GLU") ? "Until you delete it" : TransparencyFeature.DEFAULT_RETENTION.apply(code),
                org.mqcgm.server.platform.transparency.ControllerContact.EXAMPLE, JSON);
        JsonNode json = record.json();
        for (JsonNode p : json.get("purposes")) {
            if (p.get("id").asText().equals("newsletter")) {
                assertThat(p.get("recipients").get(0).get("name").asText()).isEqualTo("Example Mailer");
            } else {
                assertThat(p.get("recipients")).isEmpty();
            }
        }
        assertThat(json.toString()).contains("\"category\":\"GLU\",\"retention\":\"Until you delete it\"");
        assertThat(record.record().purposes().stream().filter(e -> e.purpose() == Purpose.HEALTH_DATA)
                .flatMap(e -> e.retention().stream()).filter(r -> r.category() == DataCategory.GLU)
                .findFirst().orElseThrow().byDefault()).isFalse();
    }

    @Test
    void theDeclarationRefusesAPurposeNotRegisteredForTheCategory() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ColumnDeclarations.parse(List.of(
                        "glucose_recent\tpayload\tGLU\tnewsletter")))
                .hasMessageContaining("purpose newsletter is not registered for category GLU");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ColumnDeclarations.parse(List.of(
                        "account\temail_enc\tACC\t-")))
                .hasMessageContaining("needs a purpose");
    }
}
