package org.mqcgm.server.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.egress.Egress;
import org.mqcgm.server.platform.egress.Recipient;
import org.mqcgm.server.platform.egress.Residency;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * The egress gateway end to end, against the real server and a recipient on loopback that records what it
 * receives: the deployment is in region {@code cn-east} with cross-border transfers allowed and declares a clinic, an
 * affiliate, a recipient whose DPA expired yesterday, one in Germany ({@code eu-west}) and a research lab (a
 * secondary use). People choose in Settings → Where my data goes; the hourly feed sends through the gateway; every
 * transfer and every refusal is in the person's egress log ({@code GET /api/v1/me/egress}).
 */
class EgressTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final MutableClock clock = MutableClock.now();

    /** What the recipient received: path and body. */
    record Received(String path, JsonNode body) {
    }

    static final List<Received> received = new CopyOnWriteArrayList<>();
    static final HttpServer recipients = start();

    static HttpServer start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            s.createContext("/", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                JsonNode tree = JSON.readTree(body.length == 0 ? "null".getBytes() : body);
                received.add(new Received(ex.getRequestURI().getPath(), tree));
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String base() {
        return "http://127.0.0.1:" + recipients.getAddress().getPort();
    }

    static String recipient(String id, String region, String country, String purposes, LocalDate dpaExpires,
                            String extra) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + id + " Ltd\",\"purposes\":[" + purposes + "],"
                + "\"categories\":[\"GLU\",\"ACC\"],\"region\":\"" + region + "\",\"country\":\"" + country + "\","
                + "\"privacyPolicy\":\"https://" + id + ".example/privacy\",\"endpoint\":\"" + base() + "/" + id
                + "\",\"fields\":[\"subject\",\"time\",\"mgdl\"],\"dpa\":{\"reference\":\"DPA-" + id + "\","
                + "\"signatory\":\"A. Signer\",\"expires\":\"" + dpaExpires + "\"}" + extra + "}";
    }

    static final LocalDate FAR = LocalDate.of(2099, 12, 31);

    static List<Recipient> declared(String affiliatePurposes) {
        return Recipient.parseAll("[" + String.join(",",
                recipient("clinic", "cn-east", "CN", "\"care\"", FAR, ""),
                recipient("affiliate", "cn-east", "CN", affiliatePurposes, FAR, ""),
                recipient("expired", "cn-east", "CN", "\"care\"",
                        LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1), ""),
                recipient("overseas", "eu-west", "DE", "\"care\"", FAR, ""),
                recipient("lab", "cn-east", "CN", "\"research\"", FAR, ",\"secondaryUse\":true")) + "]");
    }

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.systemUTC(), clock, () -> null,
            c -> c.withTransfersAllowLoopbackHttp(true).withResidency(new Residency("cn-east", "cn-east", "cn-east",
                    null, true, declared("\"care\""))));

    @AfterAll
    static void stop() {
        recipients.stop(0);
    }

    static EgressFeature feature() {
        return app.app().feature(EgressFeature.class);
    }

    /** A person with readings of the last three hours (with trend and device), signed in on the web. */
    record Person(UUID id, Http web, String token, int readings) {
    }

    static Person person(String email) {
        UUID id = app.newUser(email);
        List<Reading> readings = new ArrayList<>();
        Instant now = Instant.now().minusSeconds(60);
        for (int i = 0; i < 36; i++) {
            readings.add(new Reading(now.minus(Duration.ofMinutes(5L * i)), ZoneOffset.ofHours(8), 100 + i,
                    Reading.Marker.VALUE, 1.5, -1, 0, "sensor-" + email));
        }
        int stored = app.app().readings().store(id, readings);
        return new Person(id, app.login(email), app.app().apiTokens().create(id, "egress",
                java.util.EnumSet.of(Scope.PROFILE_READ, Scope.ACCOUNT_MANAGE)), stored);
    }

    static void choose(Person p, String recipient, String choice, boolean crossBorder) {
        Map<String, String> form = new java.util.HashMap<>(Map.of("recipient", recipient, "choice", choice));
        if (crossBorder) {
            form.put("cross_border", "yes");
        }
        HttpResponse<String> r = p.web().postForm("/settings/data-sharing", form);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    }

    static List<JsonNode> log(Person p) {
        HttpResponse<String> r = new Http(app.url()).get("/api/v1/me/egress", "Authorization", "Bearer " + p.token());
        assertThat(r.statusCode()).isEqualTo(200);
        try {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(r.body()).path("entries").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> to(String recipient, Person p) {
        String subject = feature().egress().subject(feature().egress().byId(recipient).orElseThrow(), p.id());
        List<JsonNode> out = new ArrayList<>();
        for (Received r : received) {
            if (r.path().equals("/" + recipient)) {
                r.body().path("records").forEach(rec -> {
                    if (rec.path("subject").asText().equals(subject)) {
                        out.add(rec);
                    }
                });
            }
        }
        return out;
    }

    @Test
    @Tag("PR-43")
    void dataForAnUnregisteredRecipientIsRefusedAndLogged() {
        Person p = person("unregistered@example.org");
        int before = received.size();
        assertThatThrownBy(() -> feature().egress().deliver(p.id(), "data-broker", "care",
                List.of(Map.of("time", "2026-01-01T00:00:00Z", "mgdl", 100))))
                .isInstanceOf(Egress.Unregistered.class).hasMessageContaining("data-broker");
        assertThat(received).hasSize(before);
        JsonNode entry = log(p).getFirst();
        assertThat(entry.path("recipient").asText()).isEqualTo("data-broker");
        assertThat(entry.path("outcome").asText()).isEqualTo("refused");
        assertThat(entry.path("detail").asText()).isEqualTo("unregistered recipient");
        assertThat(entry.path("records").asInt()).isZero();
        assertThat(app.app().metrics().registry().counter("mqcgm_egress_total", "recipient", "unregistered",
                "outcome", "refused").count()).isPositive();
    }

    @Test
    @Tag("PR-44")
    @Tag("PR-47")
    @Tag("PR-43")
    void aConsentingPersonsReadingsReachTheRecipientAsTheAllowListedFieldsOnlyUntilTheyWithdraw() {
        Person p = person("clinic@example.org");
        // Before agreeing, the page names the recipient and the exact fields it would receive.
        String page = p.web().get("/settings/data-sharing").body();
        assertThat(page).contains("clinic Ltd").contains("subject, time, mgdl").contains("ACC, GLU");
        choose(p, "clinic", "grant", false);
        // The ledger keeps the fields, categories and purposes the page showed.
        Egress.Consent consent = feature().egress().consentOf(p.id(), "clinic").orElseThrow();
        assertThat(consent.fields()).isEqualTo("subject,time,mgdl");
        assertThat(consent.categories()).isEqualTo("ACC,GLU");
        assertThat(consent.purposes()).isEqualTo("care");

        feature().runFeeds();
        List<JsonNode> records = to("clinic", p);
        assertThat(records).hasSize(p.readings());
        for (JsonNode r : records) {
            // The readings carry trend and device; the recipient's allow-list has neither (nor any account id).
            assertThat(iterable(r.fieldNames())).containsExactly("subject", "time", "mgdl");
            assertThat(r.toString()).doesNotContain(p.id().toString()).doesNotContain("clinic@example.org");
        }
        JsonNode sent = log(p).getFirst();
        assertThat(sent.path("recipient").asText()).isEqualTo("clinic");
        assertThat(sent.path("outcome").asText()).isEqualTo("sent");
        assertThat(sent.path("records").asInt()).isEqualTo(p.readings());
        assertThat(sent.path("categories").asText()).isEqualTo("ACC,GLU");
        assertThat(sent.path("purpose").asText()).isEqualTo("care");
        // The log's totals are what the recipient received.
        assertThat(feature().egress().totals(Instant.EPOCH, Instant.now().plusSeconds(60)).get("clinic"))
                .isEqualTo(received.stream().filter(r -> r.path().equals("/clinic"))
                        .mapToLong(r -> r.body().path("records").size()).sum());

        // New readings, then a withdrawal: the next run sends nothing and logs why.
        app.app().readings().store(p.id(), List.of(new Reading(Instant.now().minusSeconds(10), ZoneOffset.UTC, 140)));
        choose(p, "clinic", "withdraw", false);
        feature().runFeeds();
        assertThat(to("clinic", p)).hasSize(p.readings());
        JsonNode skipped = log(p).getFirst();
        assertThat(skipped.path("outcome").asText()).isEqualTo("consent-revoked");
        assertThat(skipped.path("records").asInt()).isZero();
        // Only once: the feed has ended.
        feature().runFeeds();
        assertThat(log(p)).hasSize(2);
    }

    @Test
    @Tag("PR-47")
    void aRecipientWhoseAgreementExpiredYesterdayReceivesNothing() {
        Person p = person("expired@example.org");
        choose(p, "expired", "grant", false);
        double alerts = app.app().metrics().registry().counter("mqcgm_egress_dpa_expired_total", "recipient",
                "expired").count();
        feature().runFeeds();
        assertThat(to("expired", p)).isEmpty();
        assertThat(received.stream().filter(r -> r.path().equals("/expired"))).isEmpty();
        JsonNode entry = log(p).getFirst();
        assertThat(entry.path("outcome").asText()).isEqualTo("blocked");
        assertThat(entry.path("detail").asText()).isEqualTo("data processing agreement expired");
        // Operators are alerted through the metric (and a warning in the log).
        assertThat(app.app().metrics().registry().counter("mqcgm_egress_dpa_expired_total", "recipient", "expired")
                .count()).isGreaterThan(alerts);
        // The public list shows it disabled.
        String page = new Http(app.url()).get("/privacy/third-parties").body();
        assertThat(page).contains("expired Ltd").contains("data processing agreement has expired");
    }

    @Test
    @Tag("PR-82")
    void aRecipientOutsideTheRegionGetsNothingWithoutTheSeparateCrossBorderConsentNamingIt() {
        Person p = person("overseas@example.org");
        String page = p.web().get("/settings/data-sharing").body();
        assertThat(page).contains("I agree that my data is sent to overseas Ltd in DE");
        choose(p, "overseas", "grant", false);
        feature().runFeeds();
        assertThat(to("overseas", p)).isEmpty();
        assertThat(log(p).getFirst().path("outcome").asText()).isEqualTo("no-consent");
        assertThat(log(p).getFirst().path("detail").asText()).isEqualTo("no cross-border consent naming DE");

        choose(p, "overseas", "grant", true);
        assertThat(feature().egress().consentOf(p.id(), "overseas").orElseThrow().crossBorderCountry())
                .isEqualTo("DE");
        feature().runFeeds();
        assertThat(to("overseas", p)).hasSize(p.readings());

        // Withdrawn: the sync stops.
        app.app().readings().store(p.id(), List.of(new Reading(Instant.now().minusSeconds(10), ZoneOffset.UTC, 150)));
        choose(p, "overseas", "withdraw", false);
        feature().runFeeds();
        assertThat(to("overseas", p)).hasSize(p.readings());
        assertThat(log(p).getFirst().path("outcome").asText()).isEqualTo("consent-revoked");
    }

    @Test
    @Tag("PR-78")
    void aMinorCannotConsentToARecipientAndIsFedNothing() {
        Person p = person("minor-egress@example.org");
        choose(p, "clinic", "grant", false);
        // The date of birth corrected to a minor's: the earlier grant stays in the ledger, nothing is sent.
        assertThat(p.web().postForm("/account/birth-date", Map.of("birth_date",
                LocalDate.now().minusYears(15).toString(), "next", "/today")).statusCode()).isEqualTo(303);
        feature().runFeeds();
        assertThat(to("clinic", p)).isEmpty();
        for (String recipient : List.of("clinic", "overseas")) {
            Map<String, String> form = new java.util.HashMap<>(Map.of("recipient", recipient, "choice", "grant"));
            form.put("cross_border", "yes");
            HttpResponse<String> refused = p.web().postForm("/settings/data-sharing", form);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(refused.body()).contains("No transfers for minors");
        }
        assertThat(feature().egress().consentOf(p.id(), "overseas")).isEmpty();
        // Withdrawing stays possible.
        choose(p, "clinic", "withdraw", false);
        assertThat(feature().egress().consentOf(p.id(), "clinic").orElseThrow().granted()).isFalse();
    }

    @Test
    @Tag("PR-48")
    void aSecondaryUseRecipientProcessesNobodyWithoutTheirOptIn() {
        person("lab-a@example.org");
        person("lab-b@example.org");
        feature().runFeeds();
        assertThat(received.stream().filter(r -> r.path().equals("/lab"))).isEmpty();
        assertThat(feature().recipients().forPurpose("research")).extracting(Recipient::id).containsExactly("lab");
        assertThat(feature().recipients().forPurpose("research").getFirst().hasSecondaryUse()).isTrue();
    }

    @Test
    @Tag("PR-46")
    void changingAnAffiliatesPurposesSuspendsItUntilEachPersonAgreesAgain() {
        Person a = person("affiliate-a@example.org");
        Person b = person("affiliate-b@example.org");
        choose(a, "affiliate", "grant", false);
        choose(b, "affiliate", "grant", false);
        feature().runFeeds();
        assertThat(to("affiliate", a)).hasSize(a.readings());
        assertThat(to("affiliate", b)).hasSize(b.readings());

        // The operator adds a purpose (the recipients file changed; at the next start the registry compares).
        assertThat(feature().egress().declare(declared("\"care\",\"support\""))).containsExactly("affiliate");
        Recipient affiliate = feature().egress().byId("affiliate").orElseThrow();
        assertThat(feature().egress().state(affiliate)).isEqualTo(Egress.State.AWAITING_CONSENT);
        assertThat(new Http(app.url()).get("/privacy/third-parties").body())
                .contains("its purposes changed: nothing is sent until you agree again");
        app.app().readings().store(a.id(), List.of(new Reading(Instant.now().minusSeconds(20), ZoneOffset.UTC, 160)));
        app.app().readings().store(b.id(), List.of(new Reading(Instant.now().minusSeconds(20), ZoneOffset.UTC, 161)));
        feature().runFeeds();
        assertThat(to("affiliate", a)).hasSize(a.readings());
        assertThat(to("affiliate", b)).hasSize(b.readings());
        assertThat(log(a).getFirst().path("outcome").asText()).isEqualTo("blocked");
        assertThat(log(a).getFirst().path("detail").asText()).contains("purposes changed");

        // The person sees the prompt; only who agrees again gets data flowing.
        assertThat(a.web().get("/settings/data-sharing").body()).contains("Its purposes have changed");
        choose(a, "affiliate", "grant", false);
        feature().runFeeds();
        assertThat(to("affiliate", a)).hasSize(a.readings() + 1);
        assertThat(to("affiliate", b)).hasSize(b.readings());
        assertThat(feature().egress().state(affiliate)).isEqualTo(Egress.State.AWAITING_CONSENT);

        // Once nobody's consent names the old purposes (b withdraws), it is active again, and stays so when the
        // operator declares it again as it is (a restart).
        choose(b, "affiliate", "withdraw", false);
        assertThat(feature().egress().state(affiliate)).isEqualTo(Egress.State.ACTIVE);
        assertThat(feature().egress().declare(feature().egress().all())).isEmpty();
        assertThat(feature().egress().state(affiliate)).isEqualTo(Egress.State.ACTIVE);
        String status = app.sql().withHandle(h -> h.createQuery(
                "select status from egress_recipient where id = 'affiliate'").mapTo(String.class).one());
        assertThat(status).isEqualTo("ACTIVE");
    }

    @Test
    @Tag("PR-47")
    void aRecipientWhoseAgreementIsRenewedReceivesAgain() {
        List<Recipient> before = feature().egress().all();
        java.util.function.BiFunction<LocalDate, String, List<Recipient>> with = (expires, extra) -> {
            List<Recipient> all = new ArrayList<>(before);
            all.addAll(Recipient.parseAll("[" + recipient("renewable", "cn-east", "CN", "\"care\"", expires, extra)
                    + "]"));
            return all;
        };
        try {
            feature().egress().declare(with.apply(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1),
                    ""));
            Person p = person("renewed@example.org");
            choose(p, "renewable", "grant", false);
            feature().runFeeds();
            assertThat(to("renewable", p)).isEmpty();
            assertThat(feature().egress().state(feature().egress().byId("renewable").orElseThrow()))
                    .isEqualTo(Egress.State.DPA_EXPIRED);

            // The operator renews the agreement in the recipients file (same purposes): active again, data flows.
            assertThat(feature().egress().declare(with.apply(FAR, ""))).isEmpty();
            assertThat(feature().egress().state(feature().egress().byId("renewable").orElseThrow()))
                    .isEqualTo(Egress.State.ACTIVE);
            feature().runFeeds();
            assertThat(to("renewable", p)).hasSize(p.readings());
            assertThat(log(p).getFirst().path("outcome").asText()).isEqualTo("sent");

            // Suspended by the operator, then declared active again: blocked, then active.
            feature().egress().declare(with.apply(FAR, ",\"status\":\"SUSPENDED\""));
            assertThat(feature().egress().state(feature().egress().byId("renewable").orElseThrow()))
                    .isEqualTo(Egress.State.SUSPENDED);
            feature().egress().declare(with.apply(FAR, ""));
            assertThat(feature().egress().state(feature().egress().byId("renewable").orElseThrow()))
                    .isEqualTo(Egress.State.ACTIVE);
        } finally {
            feature().egress().declare(before);
        }
    }

    @Test
    @Tag("PR-49")
    void theThirdPartiesPageIsGeneratedFromTheRegistryInBothLanguages() {
        HttpResponse<String> en = new Http(app.url()).get("/privacy/third-parties");
        assertThat(en.statusCode()).isEqualTo(200);
        for (String id : List.of("clinic", "affiliate", "expired", "overseas", "lab")) {
            assertThat(en.body()).contains(id + " Ltd").contains("href=\"https://" + id + ".example/privacy\"")
                    .contains("DPA-" + id);
        }
        assertThat(en.body()).contains("Enabled").contains("Disabled").contains("research (a secondary use)")
                .contains("eu-west (DE)").contains("outside this service's region");
        String zh = new Http(app.url()).get("/privacy/third-parties", "Accept-Language", "zh-CN").body();
        assertThat(zh).contains("接收数据的第三方").contains("clinic Ltd").contains("已启用");
        // The privacy policy links to it.
        assertThat(new Http(app.url()).get("/privacy").body()).contains("href=\"/privacy/third-parties\"");
    }

    @Test
    @Tag("PR-43")
    void aTransferThePersonStartsGoesThroughTheGatewayAndIsLoggedWithItsCount() throws IOException {
        Person p = person("transfer@example.org");
        String body = "{\"password\":" + JSON.valueToTree(TestApp.PASSWORD) + ",\"kind\":\"nightscout\",\"url\":\""
                + base() + "\",\"credential\":\"secret-secret\"}";
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/me/transfers", body, "Authorization",
                "Bearer " + p.token());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        JsonNode entry = log(p).getFirst();
        assertThat(entry.path("recipient").asText()).isEqualTo("transfer");
        assertThat(entry.path("destination").asText()).isEqualTo("127.0.0.1");
        assertThat(entry.path("purpose").asText()).isEqualTo("transfer:nightscout");
        assertThat(entry.path("records").asInt()).isEqualTo(p.readings());
        assertThat(entry.path("outcome").asText()).isEqualTo("sent");
        // The settings page lists the same log, with no glucose value in it.
        String page = p.web().get("/settings/data-sharing").body();
        assertThat(page).contains("transfer:nightscout").contains(p.readings() + " records");
        assertThat(new String(app.sql().withHandle(h -> h.createQuery(
                "select string_agg(concat_ws('|', recipient, destination, purpose, categories, outcome, detail), ';') "
                        + "from egress_log where owner_id = :o").bind("o", p.id()).mapTo(String.class).one())
                .getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).doesNotContain("mgdl").doesNotContain("100");
    }

    static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
