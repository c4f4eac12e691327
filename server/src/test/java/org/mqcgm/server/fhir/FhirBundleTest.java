package org.mqcgm.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.testing.TestApp;

/**
 * The export's {@code fhir-bundle.json}: validated with HAPI's FHIR validator against the HL7 CGM IG's own profiles
 * (first the IG's examples, to prove the validator and the profiles are set up as the IG means them), then our codes,
 * units and counts checked by our own assertions.
 */
class FhirBundleTest {

    static final Instant NOW = Instant.parse("2026-03-20T12:00:00Z");
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.fixed(NOW, ZoneOffset.UTC));

    static FhirValidation fhir;
    static UUID owner;
    static int stored;
    static byte[] bundle;

    @BeforeAll
    static void setUp() throws IOException {
        fhir = new FhirValidation();
        owner = app.newUser("fhir@example.org", TestApp.PASSWORD, ZONE);
        List<Reading> readings = new ArrayList<>();
        Instant start = NOW.minus(Duration.ofDays(3));
        for (int i = 0; i < 3 * 288; i++) {
            Instant t = start.plus(Duration.ofMinutes(5L * i));
            int mgdl = 60 + (int) (120 * (0.5 + 0.5 * Math.sin(i / 20.0)));
            Reading.Marker marker = Reading.Marker.VALUE;
            if (i == 100) {
                mgdl = 40;
                marker = Reading.Marker.LOW;
            } else if (i == 200) {
                mgdl = 400;
                marker = Reading.Marker.HIGH;
            }
            readings.add(new Reading(t, ZoneOffset.ofHours(1), mgdl, marker, Double.NaN, -1, 0,
                    i < 400 ? "Dexcom G7" : null));
        }
        stored = app.app().readings().store(owner, readings);
        bundle = export(owner);
    }

    static byte[] export(UUID who) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> files = new LinkedHashMap<>();
        for (PersonalData data : app.app().feature(FhirFeature.class).personalData()) {
            data.export(who, new ExportArchive() {
                @Override
                public OutputStream file(String name, String description) {
                    files.put(name, description);
                    return out;
                }
            });
        }
        assertThat(files).containsOnlyKeys("fhir-bundle.json");
        return out.toByteArray();
    }

    @Test
    void theIgsOwnExamplesValidateAgainstTheirProfiles() {
        assertThat(fhir.examples).hasSizeGreaterThanOrEqualTo(16);
        Map<String, List<String>> failures = new LinkedHashMap<>();
        for (FhirValidation.Example e : fhir.examples.values()) {
            if (e.reference().equals("Observation/cgmSummaryExample")) {
                continue; // its members are references a validator cannot resolve outside a Bundle (README)
            }
            List<String> errors = fhir.errors(e.resource(), e.profile());
            if (!errors.isEmpty()) {
                failures.put(e.reference(), errors);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void theProfilesRejectWhatTheyShould() {
        FhirValidation.Example reading = fhir.examples.get("Observation/cgmSensorReadingMassPerVolumeExample");
        String json = fhir.ctx.newJsonParser().encodeResourceToString(reading.resource()).replace("99504-3", "2339-0");
        assertThat(fhir.errors(json, reading.profile())).isNotEmpty();
    }

    @Tag("PR-70")
    @Test
    void theExportsBundleValidatesAgainstTheIgProfilesWithNoErrors() {
        String json = new String(bundle, StandardCharsets.UTF_8);
        // The whole bundle: against the submission-bundle profile, each entry against the profile it declares
        // (meta.profile), with the summary's members and the report's result resolved inside the bundle.
        assertThat(fhir.errors(json, Codes.PROFILE_BUNDLE)).isEmpty();

        // And each entry on its own against its profile (the summary and the report only make sense with the
        // resources they point to, so they are checked in the bundle above).
        Bundle parsed = fhir.ctx.newJsonParser().parseResource(Bundle.class, json);
        Map<String, Integer> byProfile = new LinkedHashMap<>();
        int checked = 0;
        for (Bundle.BundleEntryComponent e : parsed.getEntry()) {
            Resource r = e.getResource();
            if (r.getMeta().getProfile().isEmpty()) {
                assertThat(r.fhirType()).isEqualTo("Patient");
                continue;
            }
            String profile = r.getMeta().getProfile().get(0).getValue();
            byProfile.merge(profile, 1, Integer::sum);
            if (profile.equals(Codes.PROFILE_SUMMARY) || profile.equals(Codes.PROFILE_PDF)) {
                continue;
            }
            if (profile.equals(Codes.PROFILE_READING) && checked++ % 50 != 0) {
                continue; // every 50th reading: they are all made the same way, and validation is slow
            }
            assertThat(fhir.errors(r, profile)).as(profile).isEmpty();
        }
        assertThat(byProfile).containsEntry(Codes.PROFILE_READING, stored)
                .containsEntry(Codes.PROFILE_SUMMARY, 1).containsEntry(Codes.PROFILE_MEAN, 1)
                .containsEntry(Codes.PROFILE_TIR, 1).containsEntry(Codes.PROFILE_GMI, 1)
                .containsEntry(Codes.PROFILE_CV, 1).containsEntry(Codes.PROFILE_DAYS, 1)
                .containsEntry(Codes.PROFILE_ACTIVE, 1).containsEntry(Codes.PROFILE_DEVICE, 2);
    }

    @Tag("PR-70")
    @Test
    void readingsCarryLoincAndUcumAsTheIgBindsThem() throws IOException {
        JsonNode b = new ObjectMapper().readTree(bundle);
        assertThat(b.path("resourceType").asText()).isEqualTo("Bundle");
        assertThat(b.path("type").asText()).isEqualTo("transaction");
        List<JsonNode> readings = new ArrayList<>();
        for (JsonNode e : b.path("entry")) {
            JsonNode r = e.path("resource");
            if (r.path("code").path("coding").path(0).path("code").asText().equals("99504-3")) {
                readings.add(r);
            }
            assertThat(e.path("request").path("method").asText()).isEqualTo("POST");
            assertThat(e.path("request").path("ifNoneExist").asText()).startsWith("identifier=urn:ietf:rfc:3986|");
        }
        assertThat(readings).hasSize(stored);
        JsonNode first = readings.get(0);
        assertThat(first.path("code").path("coding").path(0).path("system").asText()).isEqualTo("http://loinc.org");
        JsonNode q = first.path("valueQuantity");
        assertThat(q.path("system").asText()).isEqualTo("http://unitsofmeasure.org");
        assertThat(q.path("code").asText()).isEqualTo("mg/dL");
        assertThat(q.path("unit").asText()).isEqualTo("mg/dl");
        assertThat(first.path("effectiveDateTime").asText()).endsWith("+01:00");
        assertThat(readings).filteredOn(r -> r.path("valueQuantity").path("comparator").asText().equals("<"))
                .singleElement().satisfies(r -> assertThat(r.path("valueQuantity").path("value").asInt())
                        .isEqualTo(40));
        assertThat(readings).filteredOn(r -> r.path("valueQuantity").path("comparator").asText().equals(">"))
                .singleElement().satisfies(r -> assertThat(r.path("valueQuantity").path("value").asInt())
                        .isEqualTo(400));
    }

    @Tag("PR-70")
    @Test
    void theSummaryHasEveryMemberWithTheIgsCodesAndTheReportCarriesThePdfWhenPdfsAreAvailable() throws IOException {
        JsonNode b = new ObjectMapper().readTree(bundle);
        Map<String, JsonNode> byCode = new LinkedHashMap<>();
        JsonNode report = null;
        for (JsonNode e : b.path("entry")) {
            JsonNode r = e.path("resource");
            if (r.path("resourceType").asText().equals("DiagnosticReport")) {
                report = r;
            } else if (r.path("resourceType").asText().equals("Observation")
                    && r.has("effectivePeriod")) {
                byCode.put(r.path("code").path("coding").path(0).path("code").asText(), r);
            }
        }
        assertThat(byCode).containsOnlyKeys("107931-8", "97507-8", "106793-3", "97506-0", "104638-2", "104636-6",
                "104637-4");
        assertThat(byCode.get("107931-8").path("hasMember")).hasSize(6);
        assertThat(byCode.get("97507-8").path("valueQuantity").path("code").asText()).isEqualTo("mg/dL");
        assertThat(byCode.get("104636-6").path("valueQuantity").path("code").asText()).isEqualTo("d");
        assertThat(byCode.get("104636-6").path("valueQuantity").path("value").asInt()).isEqualTo(4); // local days
        List<String> components = new ArrayList<>();
        double sum = 0;
        for (JsonNode c : byCode.get("106793-3").path("component")) {
            components.add(c.path("code").path("coding").path(0).path("code").asText());
            assertThat(c.path("valueQuantity").path("code").asText()).isEqualTo("%");
            sum += c.path("valueQuantity").path("value").asDouble();
        }
        assertThat(components).containsExactly("104642-4", "104641-6", "97510-2", "104640-8", "104639-0");
        assertThat(sum).isBetween(99.9, 100.1);
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"))) {
            assertThat(report).as("the AGP PDF report").isNotNull();
            JsonNode form = report.path("presentedForm").path(0);
            assertThat(form.path("contentType").asText()).isEqualTo("application/pdf");
            assertThat(new String(Base64.getDecoder().decode(form.path("data").asText()), 0, 5,
                    StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        }
    }

    @Test
    void someoneWithoutReadingsGetsABundleWithTheirPatientOnly() throws IOException {
        UUID empty = app.newUser("empty-fhir@example.org");
        String json = new String(export(empty), StandardCharsets.UTF_8);
        assertThat(fhir.errors(json, Codes.PROFILE_BUNDLE)).isEmpty();
        assertThat(new ObjectMapper().readTree(json).path("entry")).hasSize(1);
    }
}
