package org.mqcgm.server.disclosures;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.accounts.ClientFacts;
import org.mqcgm.server.accounts.Sessions;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestTotp;
import org.mqcgm.testkit.MutableClock;

/**
 * Disclosures without consent end to end (PR-31, PR-34, PR-45): data protection officers register, approve and
 * export over the API; the people concerned see them in "Who saw my data" and get a notice; the public
 * transparency report counts them. Time moves with the system clock.
 */
class DisclosuresTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "/api/v1/admin/disclosures";

    static Http dpo1;
    static Http dpo2;
    static UUID dpo1Id;
    static UUID dpo2Id;
    static Http admin;

    static UUID adminId;

    /** A staff account with two-factor authentication and this role. */
    static UUID staff(String email, Role role) {
        UUID id = app.newUser(email);
        app.app().accounts().grantRole(id, role);
        String secret = app.app().accounts().startTwoFactor(id).secret();
        app.app().accounts().enableTwoFactor(id, TestTotp.code(secret, clock.instant().getEpochSecond()),
                ClientFacts.NONE);
        return id;
    }

    /** A web session of the account now (which passed its second factor). */
    static Http session(UUID id) {
        Http http = new Http(app.url());
        http.setCookie("SESSION", new Sessions(app.app().database().orElseThrow().jdbi(), clock,
                Duration.ofHours(12), Duration.ofDays(7)).start(id, ClientFacts.NONE));
        http.csrfToken();
        return http;
    }

    @BeforeAll
    static void officers() {
        dpo1Id = staff("dpo1@example.org", Role.DPO);
        dpo2Id = staff("dpo2@example.org", Role.DPO);
        adminId = staff("admin@example.org", Role.ADMIN);
    }

    /** Fresh sessions for each test (one of them moves the clock past a session's life). */
    @BeforeEach
    void sessions() {
        dpo1 = session(dpo1Id);
        dpo2 = session(dpo2Id);
        admin = session(adminId);
    }

    static HttpResponse<String> post(Http who, String path, String body) {
        return who.postJson(path, body, "X-CSRF-Token", who.csrfToken());
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(r.body(), e);
        }
    }

    static String request(String basis, UUID person, String reference, String extra) {
        return "{\"basis\":\"" + basis + "\",\"recipient\":\"City Police, Case Unit\","
                + (reference == null ? "" : "\"reference\":\"" + reference + "\",")
                + "\"people\":[\"" + person + "\"],\"categories\":[\"readings\"],"
                + "\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-08T00:00:00Z\"" + extra + "}";
    }

    /** The transparency report's count for a year and basis (0 when it has no line). */
    static int reported(int year, String basis) {
        String page = new Http(app.url()).get("/privacy/transparency").body();
        Matcher m = Pattern.compile("(?s)data-year=\"" + year + "\" data-basis=\"" + basis
                + "\">.*?<strong data-testid=\"count\">(\\d+)</strong>").matcher(page);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    static String history(String email) {
        return app.login(email).get("/settings/sharing/access").body();
    }

    static int year() {
        return clock.instant().atZone(ZoneOffset.UTC).getYear();
    }

    @Test
    @Tag("PR-31")
    void aCriminalProceedingsDisclosureNeedsAReferenceAndASecondApproverAndIsCounted() {
        UUID person = app.newUser("suspect@example.org");
        int before = reported(year(), "CRIMINAL_PROCEEDINGS");

        // No case reference: 422 naming the field, nothing registered.
        HttpResponse<String> noReference = post(dpo1, API, request("CRIMINAL_PROCEEDINGS", person, null,
                ",\"instrument\":\"Criminal Procedure Law art. 54\""));
        assertThat(noReference.statusCode()).as(noReference.body()).isEqualTo(422);
        assertThat(noReference.body()).contains("\"field\":\"$.reference\"").contains("\"rule\":\"required\"");
        assertThat(dpo1.get(API).body()).doesNotContain(person.toString());

        // With the reference, one approver: pending, not shown, not counted.
        HttpResponse<String> registered = post(dpo1, API, request("CRIMINAL_PROCEEDINGS", person, "CASE-2026-0042",
                ",\"instrument\":\"Criminal Procedure Law art. 54\""));
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        assertThat(json(registered).path("status").asText()).isEqualTo("pending");
        String id = json(registered).path("id").asText();
        HttpResponse<String> self = post(dpo1, API + "/" + id + "/approval", "{}");
        assertThat(self.statusCode()).as(self.body()).isEqualTo(409);
        assertThat(self.body()).contains("SECOND_APPROVER_REQUIRED");
        assertThat(json(dpo1.get(API + "/" + id)).path("status").asText()).isEqualTo("pending");
        assertThat(history("suspect@example.org")).doesNotContain("City Police");
        assertThat(reported(year(), "CRIMINAL_PROCEEDINGS")).isEqualTo(before);

        // A second officer approves: an audit event with basis, reference and both approvers; counted.
        HttpResponse<String> approved = post(dpo2, API + "/" + id + "/approval", "{}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        JsonNode d = json(approved);
        assertThat(d.path("status").asText()).isEqualTo("approved");
        JsonNode event = null;
        for (JsonNode e : d.path("events")) {
            if (e.path("action").asText().equals("approved")) {
                event = e;
            }
        }
        assertThat(event).as(approved.body()).isNotNull();
        assertThat(event.path("actor").asText()).isEqualTo(dpo2Id.toString());
        assertThat(event.path("detail").path("basis").asText()).isEqualTo("CRIMINAL_PROCEEDINGS");
        assertThat(event.path("detail").path("reference").asText()).isEqualTo("CASE-2026-0042");
        assertThat(event.path("detail").path("approvers").toString()).isEqualTo("[\"" + dpo1Id + "\",\"" + dpo2Id
                + "\"]");
        assertThat(post(dpo2, API + "/" + id + "/approval", "{}").body()).contains("ALREADY_APPROVED");
        assertThat(reported(year(), "CRIMINAL_PROCEEDINGS")).isEqualTo(before + 1);
        // The public report, in both languages, holds no personal data.
        String en = new Http(app.url()).get("/privacy/transparency").body();
        String zh = new Http(app.url()).get("/privacy/transparency", "Accept-Language", "zh-CN").body();
        assertThat(en).contains("Transparency report").contains("criminal investigation");
        assertThat(zh).contains("透明度报告").contains("刑事侦查");
        for (String page : List.of(en, zh)) {
            assertThat(page).doesNotContain(person.toString()).doesNotContain("City Police")
                    .doesNotContain("CASE-2026-0042").doesNotContain("@example.org");
        }
    }

    @Test
    @Tag("PR-31")
    void aContractBasisIsRefusedAndAPublicInterestDisclosureIsInThePersonsHistory() {
        UUID person = app.newUser("patient@example.org");
        HttpResponse<String> contract = post(dpo1, API, request("CONTRACT", person, "REF-1", ""));
        assertThat(contract.statusCode()).as(contract.body()).isEqualTo(422);
        assertThat(contract.body()).contains("\"field\":\"$.basis\"").contains("\"rule\":\"disclosure-basis\"");
        assertThat(dpo1.get(API).body()).doesNotContain(person.toString());
        // Staff without the dpo role are refused.
        HttpResponse<String> byAdmin = post(admin, API, request("PUBLIC_INTEREST", person, "REF-2",
                ",\"instrument\":\"Law on the Prevention of Infectious Diseases art. 12\""));
        assertThat(byAdmin.statusCode()).as(byAdmin.body()).isEqualTo(403);
        assertThat(byAdmin.body()).contains("DPO_REQUIRED");

        String id = json(post(dpo1, API, request("PUBLIC_INTEREST", person, "CDC-NOTICE-7",
                ",\"instrument\":\"Law on the Prevention of Infectious Diseases art. 12\""))).path("id").asText();
        assertThat(post(dpo2, API + "/" + id + "/approval", "{}").statusCode()).isEqualTo(200);
        String history = history("patient@example.org");
        assertThat(history).contains("City Police, Case Unit")
                .contains("disclosed without your consent, where the law allows it")
                .contains("for public safety, public health or a major public interest");
        String notice = app.awaitOutbox("patient@example.org", Pattern.compile("(?s)(To whom: .*Legal basis: .*)"));
        assertThat(notice).contains("City Police, Case Unit").contains("public health").contains("CDC-NOTICE-7");
    }

    @Test
    @Tag("PR-45")
    void aLegalRequestIsReviewedExportedWithinItsScopeAndToldWhenItsRestrictionEnds() throws Exception {
        UUID person = app.newUser("gagged@example.org");
        UUID other = app.newUser("bystander@example.org");
        String token = app.app().apiTokens().create(person, "uploader", java.util.EnumSet.of(Scope.READINGS_WRITE));
        assertThat(new Http(app.url()).postJson("/api/v1/readings", "[{\"time\":\"2026-11-02T08:00:00Z\","
                + "\"mgdl\":111},{\"time\":\"2026-11-20T08:00:00Z\",\"mgdl\":222}]", "Authorization", "Bearer "
                + token).statusCode()).isEqualTo(200);
        LocalDate until = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(30);
        String legal = ",\"legalRequest\":true,\"restrictedUntil\":\"" + until + "\"";

        // Without the legal instrument it cannot proceed.
        HttpResponse<String> noInstrument = post(dpo1, API, request("CRIMINAL_PROCEEDINGS", person, "ORDER-9", legal));
        assertThat(noInstrument.statusCode()).as(noInstrument.body()).isEqualTo(422);
        assertThat(noInstrument.body()).contains("\"field\":\"$.instrument\"");

        String id = json(post(dpo1, API, request("CRIMINAL_PROCEEDINGS", person, "ORDER-9",
                legal + ",\"instrument\":\"Court order 2026-17\""))).path("id").asText();
        String exact = "{\"people\":[\"" + person + "\"],\"categories\":[\"readings\"],"
                + "\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-08T00:00:00Z\"}";
        HttpResponse<String> early = post(dpo1, API + "/" + id + "/exports", exact);
        assertThat(early.statusCode()).as(early.body()).isEqualTo(409);
        assertThat(early.body()).contains("NOT_APPROVED");
        assertThat(post(dpo2, API + "/" + id + "/approval", "{}").statusCode()).isEqualTo(200);

        // Wider than the request: another person, another category, a longer period — each named, nothing written.
        HttpResponse<String> wider = post(dpo1, API + "/" + id + "/exports", "{\"people\":[\"" + person + "\",\""
                + other + "\"],\"categories\":[\"readings\",\"profile\"],\"from\":\"2026-11-01T00:00:00Z\","
                + "\"to\":\"2026-11-30T00:00:00Z\"}");
        assertThat(wider.statusCode()).as(wider.body()).isEqualTo(422);
        assertThat(wider.body()).contains("SCOPE_WIDER_THAN_REQUEST").contains("people: " + other)
                .contains("categories: profile").contains("to: 2026-11-30T00:00:00Z");
        HttpResponse<String> written = post(dpo1, API + "/" + id + "/exports", exact);
        assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
        Path file = Path.of(json(written).path("file").asText());
        String content = Files.readString(file);
        assertThat(content).contains("\"mgdl\" : 111").doesNotContain("222").doesNotContain(other.toString())
                .doesNotContain("gagged@example.org");
        JsonNode trail = json(dpo1.get(API + "/" + id)).path("events");
        assertThat(trail.toString()).contains("export-refused").contains("\"sha256\":\""
                + json(written).path("sha256").asText() + "\"");

        // Restricted by law: the history shows only "restricted until", and no notice goes out.
        String restricted = history("gagged@example.org");
        assertThat(restricted).contains(until.toString()).contains("restricted by law until this day")
                .doesNotContain("City Police");
        assertThat(app.outboxMessages().filter(m -> m.startsWith("To: gagged@example.org\n"))
                .anyMatch(m -> m.contains("To whom"))).isFalse();

        // The day the restriction ends the daily job tells the person, and the history shows the disclosure.
        clock.advance(Duration.ofDays(31));
        app.app().jobs().runNow(DisclosuresFeature.NOTICES_JOB);
        String notice = app.awaitOutbox("gagged@example.org", Pattern.compile("(?s)(To whom: .*Reference: \\S+)"));
        assertThat(notice).contains("City Police, Case Unit").contains("ORDER-9");
        assertThat(history("gagged@example.org")).contains("City Police, Case Unit")
                .contains("for a criminal investigation or proceedings");
        assertThat(app.outboxMessages().filter(m -> m.startsWith("To: bystander@example.org\n"))).isEmpty();
    }

    @Test
    @Tag("PR-34")
    void aBreakGlassDisclosureInSomeonesVitalInterestsIsToldToThePersonWithin72Hours() {
        UUID person = app.newUser("hypo@example.org");
        String body = "{\"basis\":\"VITAL_INTERESTS\",\"recipient\":\"Emergency services 120\","
                + "\"reference\":\"CALL-5501\",\"people\":[\"" + person + "\"],\"categories\":[\"readings\","
                + "\"profile\"],\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-02T00:00:00Z\"";
        // Without the dpo role: 403, nothing registered.
        HttpResponse<String> byAdmin = post(admin, API, body + ",\"breakGlass\":true}");
        assertThat(byAdmin.statusCode()).as(byAdmin.body()).isEqualTo(403);
        assertThat(byAdmin.body()).contains("DPO_REQUIRED");
        // Vital interests without an emergency contact go only by break-glass.
        HttpResponse<String> plain = post(dpo1, API, body + "}");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(422);
        assertThat(plain.body()).contains("emergency-contact-or-break-glass");
        assertThat(dpo1.get(API).body()).doesNotContain(person.toString());

        HttpResponse<String> glass = post(dpo1, API, body + ",\"breakGlass\":true}");
        assertThat(glass.statusCode()).as(glass.body()).isEqualTo(201);
        JsonNode d = json(glass);
        assertThat(d.path("status").asText()).isEqualTo("approved");
        assertThat(d.path("approvers").toString()).isEqualTo("[\"" + dpo1Id + "\"]");
        Instant approvedAt = Instant.parse(d.path("approvedAt").asText());
        // The notice says what, when and to whom; the notification log has when it went out and how.
        String notice = app.awaitOutbox("hypo@example.org", Pattern.compile("(?s)(To whom: .*Legal basis: [^\\n]+)"));
        assertThat(notice).contains("Emergency services 120").contains("your glucose readings")
                .contains("your contact, language and time zone").contains("emergency");
        record Notice(Instant at, String channel) {
        }
        List<Notice> log = app.sql().withHandle(h -> h.createQuery(
                "select notified_at, notice_to from disclosure_subject where owner_id = :o").bind("o", person)
                .map((rs, c) -> new Notice(rs.getObject(1, java.time.OffsetDateTime.class).toInstant(),
                        rs.getString(2))).list());
        assertThat(log).hasSize(1);
        assertThat(Duration.between(approvedAt, log.get(0).at())).isLessThanOrEqualTo(Duration.ofHours(72));
        assertThat(log.get(0).channel()).isEqualTo("email");
        assertThat(history("hypo@example.org")).contains("Emergency services 120")
                .contains("to protect life or property in an emergency");
    }

    @Test
    @Tag("PR-34")
    void aVitalInterestsDisclosureGoesToTheEmergencyContactThePersonSet() {
        UUID person = app.newUser("with.contact@example.org");
        String bearer = "Bearer " + app.app().apiTokens().create(person, "app",
                java.util.EnumSet.of(Scope.PROFILE_READ, Scope.PROFILE_WRITE, Scope.READINGS_WRITE));
        Http phone = new Http(app.url());
        assertThat(phone.postJson("/api/v1/readings", "[{\"time\":\"2026-11-01T03:00:00Z\",\"mgdl\":42}]",
                "Authorization", bearer).statusCode()).isEqualTo(200);
        String body = "{\"basis\":\"VITAL_INTERESTS\",\"reference\":\"HYPO-ALERT-9\",\"people\":[\"" + person
                + "\"],\"categories\":[\"readings\"],\"from\":\"2026-11-01T00:00:00Z\","
                + "\"to\":\"2026-11-01T06:00:00Z\"}";
        assertThat(post(dpo1, API, body).statusCode()).as("no contact set: break-glass only").isEqualTo(422);
        HttpResponse<String> set = phone.send("PUT", "/api/v1/me/emergency-contact",
                "{\"name\":\"Mei Chen\",\"email\":\"mei.chen@example.net\"}", "Authorization", bearer,
                "Content-Type", "application/json");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);

        HttpResponse<String> sent = post(dpo1, API, body);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
        assertThat(json(sent).path("status").asText()).isEqualTo("approved");
        assertThat(json(sent).path("emergencyContact").asBoolean()).isTrue();
        // The register names the role, not the contact (whose name and address stay encrypted under the person's key).
        assertThat(json(sent).path("recipient").asText()).isEqualTo("the emergency contact the person set");
        // The contact is told through the outbound port, with the reference but no glucose value (PR-55); the person
        // is told what, when, to whom.
        String mail = app.awaitOutbox("mei.chen@example.net", Pattern.compile("(?s)(Hello Mei Chen.*)"));
        assertThat(mail).contains("reference").doesNotContain("mg/dL").doesNotContainPattern("\\b42\\b");
        assertThat(app.awaitOutbox("with.contact@example.org", Pattern.compile("(?s)(To whom: [^\\n]+)")))
                .contains("emergency contact");
        assertThat(history("with.contact@example.org")).contains("emergency contact")
                .contains("to protect life or property in an emergency");
    }
}
