package org.mqcgm.server.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.cancellation.CancellationFeature;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.Wait;

/**
 * E-mails and text messages never carry glucose values or notes (PR-55): only a notice, a one-time code and a link
 * to this server. Every message template the server can send — the {@code *.mail.*} texts of every bundle, in
 * English and Chinese, e-mail and SMS — is rendered with fixture data, and the messages a person with high readings
 * and a note actually receives (password reset by e-mail and by text, the confirmation of their account's
 * deletion) are read back from the outbox.
 */
class MessageTemplatesTest {

    /** A glucose value with its unit: two or three digits (with a decimal), then mg/dL or mmol/L. */
    static final Pattern GLUCOSE = Pattern.compile("\\b\\d{2,3}(?:[.,]\\d+)?\\s*(?:mg/dl|mmol/l)",
            Pattern.CASE_INSENSITIVE);
    /** The fixture person's data: readings of 287 mg/dL (15.9 mmol/L) and this note. */
    static final String HIGH_MGDL = "287";
    static final String HIGH_MMOL = "15.9";
    static final String NOTE = "ate birthday cake at grandma";
    /** The fixture arguments of every template: {0} a one-time code, {1} a link on this server. */
    static final Object[] ARGS = {"530164", "https://cgm.example.org/password-reset/link/Ab12-cd"};

    /** The classes that build outbound messages; a new one fails the test until its templates are covered here. */
    static final List<String> SENDERS = List.of("accounts/AccountMail.java", "cancellation/CancellationMail.java",
            "sharing/Sharing.java", "alerts/Alerting.java", "disclosures/Notices.java", "guardians/GuardianMail.java",
            "incidents/Notifier.java", "newsletter/Newsletters.java", "requests/DeskMail.java",
            "retention/InactiveAccounts.java", "disclosures/Exports.java", "handover/ChangeNotices.java");

    static void assertNoHealthData(String text) {
        assertThat(GLUCOSE.matcher(text).find()).as("a glucose value in: %s", text).isFalse();
        assertThat(text).doesNotContain(HIGH_MGDL).doesNotContain(HIGH_MMOL).doesNotContain(NOTE)
                .doesNotContain("mg/dL").doesNotContain("mmol/L");
    }

    /** Every bundle in src/main/resources/i18n. */
    static List<String> bundles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/i18n"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".properties") && !n.contains("_"))
                    .map(n -> n.substring(0, n.length() - ".properties".length())).sorted().toList();
        }
    }

    @Test
    @Tag("PR-55")
    void everyMessageTemplateRenderedWithFixtureDataHoldsNoGlucoseValueNorNote() throws IOException {
        List<String> rendered = new ArrayList<>();
        for (String bundle : bundles()) {
            for (Language language : Language.values()) {
                ResourceBundle texts = ResourceBundle.getBundle("i18n." + bundle, language.locale());
                for (String key : texts.keySet()) {
                    if (key.contains(".mail.")) {
                        String text = Messages.of(language).t(key, ARGS);
                        assertNoHealthData(text);
                        rendered.add(key + "@" + language.tag());
                    }
                }
            }
        }
        // Every kind of account message (subject, e-mail body, text) and the deletion confirmation, in both languages.
        for (String kind : List.of("signup-code", "already-registered", "reset-code", "change-code",
                "password-changed", "identifier-changed", "locked", "compromise",
                "two-factor-on", "two-factor-off", "recovery-codes", "new-login", "totp-reused")) {
            for (String part : List.of("subject", "body", "sms")) {
                assertThat(rendered).contains("accounts.mail." + kind + "." + part + "@en",
                        "accounts.mail." + kind + "." + part + "@zh-CN");
            }
        }
        assertThat(rendered).contains("cancellation.mail.body@en", "cancellation.mail.sms@zh-CN");
        for (String part : List.of("subject", "body", "sms")) {
            assertThat(rendered).contains("sharing.mail.invite." + part + "@en", "sharing.mail.invite." + part
                    + "@zh-CN");
        }

        // Only these classes send messages (directly, or through the platform's PersonNotices), and they build them
        // from the templates above.
        Path main = Path.of("src/main/java/org/mqcgm/server");
        List<String> senders;
        try (Stream<Path> files = Files.walk(main)) {
            senders = files.filter(p -> p.toString().endsWith(".java") && !p.startsWith(main.resolve("platform")))
                    .filter(p -> {
                        try {
                            return java.util.regex.Pattern.compile(
                                    "new (org\\.mqcgm\\.server\\.platform\\.outbound\\.)?"
                                            + "(OutboundMessage|PersonNotices\\.Message)\\(")
                                    .matcher(Files.readString(p)).find();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).map(p -> main.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.equals("sharing/Shares.java")) // builds an empty message only to mask an address
                    .sorted().toList();
        }
        assertThat(senders).containsExactlyInAnyOrderElementsOf(SENDERS);
        for (String sender : SENDERS) {
            assertThat(Files.readString(main.resolve(sender))).contains(".mail.");
        }
    }

    @Test
    @Tag("PR-55")
    void theMessagesAPersonWithHighReadingsAndANoteReceivesHoldNeither() throws Exception {
        try (TestApp app = TestApp.start()) {
            UUID id = app.newUser("sweet@example.org");
            UUID phone = app.newUser("+8613800138000");
            Http http = new Http(app.url());
            for (UUID person : List.of(id, phone)) {
                String[] auth = {"Authorization", "Bearer " + app.app().apiTokens().create(person, "all",
                        java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class))};
                java.time.Instant at = java.time.Instant.now().minusSeconds(3600)
                        .truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
                assertThat(http.postJson("/api/v1/readings", "[{\"time\":\"" + at + "\",\"mgdl\":" + HIGH_MGDL
                        + "}]", auth).statusCode()).isIn(200, 201);
                assertThat(http.postJson("/api/v1/annotations", "{\"start\":\"" + at + "\",\"end\":\""
                        + at.plusSeconds(600) + "\",\"kind\":\"exercise\",\"note\":\"" + NOTE + "\",\"exclude\":false}",
                        auth).statusCode()).isEqualTo(201);
            }
            http.postForm("/password-reset", Map.of("identifier", "sweet@example.org"));
            http.postForm("/password-reset", Map.of("identifier", "+8613800138000"));
            HttpResponse<String> cancel = http.postJson("/api/v1/me/cancellation", "{\"password\":\""
                    + TestApp.PASSWORD + "\"}", "Authorization", "Bearer " + app.app().apiTokens().create(id,
                    "cancel", java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class)));
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
            app.app().jobs().runNow(CancellationFeature.JOB);
            Wait.until("the reset e-mail, the reset text and the deletion confirmation are out",
                    () -> app.outboxMessages().toList(), sent -> sent.size() >= 3
                            && sent.stream().anyMatch(m -> m.startsWith("To: +8613800138000\n"))
                            && sent.stream().anyMatch(m -> m.contains("deleted")));
            List<String> sent = app.outboxMessages().toList();
            assertThat(sent).allSatisfy(MessageTemplatesTest::assertNoHealthData);
        }
    }
}
