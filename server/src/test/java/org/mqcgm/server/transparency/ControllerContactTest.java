package org.mqcgm.server.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.transparency.ControllerContact;
import org.mqcgm.server.privacy.PolicyAdministration;
import org.mqcgm.server.privacy.PolicyVersions;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestDatabase;
import org.mqcgm.testkit.Wait;

/**
 * The controller's contact (PR-89) is configuration: a deployment without the contact e-mail does not start; the
 * policy page, every page's footer, the record of processing and every e-mail show the configured contact, the same
 * values everywhere; a changed contact makes the next policy publication major (a minor one is refused).
 */
class ControllerContactTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ControllerContact CONTACT = new ControllerContact("Huzhou Example Medical Co., Ltd.",
            "privacy@cgm.example.org", "+86 400 123 4567", "1 Example Road, Huzhou, Zhejiang",
            "User information protection department", "dpo@cgm.example.org");

    @RegisterExtension
    static final TestApp app = TestApp.perClass(c -> c.withController(CONTACT));

    @Test
    @Tag("PR-89")
    void aDeploymentWithoutTheContactEmailDoesNotStart() {
        Map<String, String> settings = new HashMap<>(Map.of(
                "MQCGM_DB_URL", app.jdbcUrl(), "MQCGM_DB_USER", TestDatabase.user(),
                "MQCGM_DB_PASSWORD", TestDatabase.password(),
                "MQCGM_MASTER_KEY_FILE", app.masterKeyFile().toString(),
                "MQCGM_CONTROLLER_NAME", CONTACT.name(), "MQCGM_CONTROLLER_PHONE", CONTACT.phone()));
        assertThatThrownBy(() -> ServerConfig.fromSettings(settings))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.setting()).isEqualTo("MQCGM_CONTROLLER_EMAIL"))
                .hasMessageStartingWith("MQCGM_CONTROLLER_EMAIL: missing").hasMessageContaining("PR-89");
        settings.put("MQCGM_CONTROLLER_EMAIL", "not an address");
        assertThatThrownBy(() -> ServerConfig.fromSettings(settings)).hasMessageStartingWith("MQCGM_CONTROLLER_EMAIL:");
        settings.put("MQCGM_CONTROLLER_EMAIL", CONTACT.email());
        ControllerContact read = ServerConfig.fromSettings(settings).controller();
        assertThat(read.email()).isEqualTo(CONTACT.email());
        assertThat(read.phone()).isEqualTo(CONTACT.phone());
    }

    @Test
    @Tag("PR-89")
    void thePolicyPageEveryFooterTheRecordAndEveryEmailShowTheSameContact() throws Exception {
        Http web = new Http(app.url());
        String policy = web.get("/privacy", "Accept-Language", "zh-CN").body();
        assertThat(policy).contains("data-testid=\"policy-contact\"");
        // The policy's contact block and the footer: every occurrence of each field is the configured value.
        assertThat(values(policy, "contact-name")).hasSizeGreaterThanOrEqualTo(2).containsOnly(CONTACT.name());
        assertThat(values(policy, "contact-email")).hasSizeGreaterThanOrEqualTo(2).containsOnly(CONTACT.email());
        assertThat(values(policy, "contact-phone")).hasSizeGreaterThanOrEqualTo(2).containsOnly(CONTACT.phone());
        assertThat(values(policy, "contact-address")).containsExactly(CONTACT.address());
        assertThat(values(policy, "contact-dpo-email")).containsExactly(CONTACT.dpoEmail());
        assertThat(policy).contains(CONTACT.dpoTeam());
        for (String page : List.of("/login", "/privacy/processing", "/help")) {
            String body = web.get(page).body();
            assertThat(values(body, "footer-contact")).as(page).hasSize(1);
            assertThat(values(body, "contact-email")).as(page).containsExactly(CONTACT.email());
            assertThat(values(body, "contact-phone")).as(page).containsExactly(CONTACT.phone());
        }
        JsonNode controller = JSON.readTree(web.get("/privacy/processing.json").body()).get("controller");
        assertThat(controller.get("name").asText()).isEqualTo(CONTACT.name());
        assertThat(controller.get("email").asText()).isEqualTo(CONTACT.email());
        assertThat(controller.get("phone").asText()).isEqualTo(CONTACT.phone());
        assertThat(controller.get("address").asText()).isEqualTo(CONTACT.address());
        assertThat(controller.get("dataProtectionEmail").asText()).isEqualTo(CONTACT.dpoEmail());

        // Every e-mail ends with the contact: a password-reset code, written by the accounts feature.
        app.newUser("contact-footer@example.org");
        assertThat(web.postForm("/password-reset", Map.of("identifier", "contact-footer@example.org")).statusCode())
                .isLessThan(400);
        String mail = Wait.until("the reset e-mail", () -> app.outboxMessages()
                .filter(m -> m.startsWith("To: contact-footer@example.org\n")).findFirst(), o -> o.isPresent())
                .orElseThrow();
        assertThat(mail.stripTrailing()).endsWith(CONTACT.mailFooter("http://mqcgm.test/privacy").stripTrailing());
        assertThat(mail).contains(CONTACT.name()).contains(CONTACT.email()).contains(CONTACT.phone())
                .contains(CONTACT.address()).contains(CONTACT.dpoEmail());
    }

    /** The text of every element marked {@code data-testid="<id>"}. */
    static List<String> values(String html, String id) {
        Matcher m = Pattern.compile("data-testid=\"" + id + "\">([^<]*)<").matcher(html);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1).strip());
        }
        return out;
    }

    /**
     * The operator changes the phone number: the next publication through the command's path
     * ({@link PolicyAdministration}, as {@code mqcgm admin publish-policy} runs it) is refused as minor and marked
     * as a change of contacts when major; the one after that, with the contact unchanged, may be minor again.
     */
    @Test
    @Tag("PR-89")
    void aChangedContactMakesTheNextPublicationMajor() {
        ControllerContact newPhone = new ControllerContact(CONTACT.name(), CONTACT.email(), "+86 400 765 4321",
                CONTACT.address(), CONTACT.dpoTeam(), CONTACT.dpoEmail());
        String text = PolicyVersions.bundled() + "\nCall us on our new number.\n";
        try (PolicyAdministration admin = PolicyAdministration.open(config(newPhone))) {
            assertThatThrownBy(() -> admin.publish(text, false, Set.of(), "A new phone number.", null))
                    .isInstanceOf(PolicyVersions.Refused.class)
                    .hasMessageContaining("controller contact changed").hasMessageContaining("--change contacts");
            assertThat(app.app().policyVersions().all()).hasSize(1);
            PolicyVersions.Version major = admin.publish(text, true, Set.of(), "A new phone number.", null);
            assertThat(major.major()).isTrue();
            assertThat(major.changes()).containsExactly(PolicyVersions.Change.CONTACTS);
            PolicyVersions.Version minor = admin.publish(text + "\nTypo fixed.\n", false, Set.of(), "A typo.", null);
            assertThat(minor.major()).isFalse();
        }
        // The server still running with the old contact cannot publish a minor version either.
        assertThatThrownBy(() -> app.app().policyVersions().publish(text + "\nAgain.\n", false, Set.of(), "x", null,
                CONTACT.canonical())).isInstanceOf(PolicyVersions.Refused.class);
    }

    static ServerConfig config(ControllerContact contact) {
        return new ServerConfig(app.jdbcUrl(), TestDatabase.user(), TestDatabase.password(), 2, app.masterKeyFile(),
                "127.0.0.1", 0, 1_000_000, TestApp.TEST_ARGON2, Duration.ofHours(12), Duration.ofDays(7), null,
                app.masterKeyFile().resolveSibling("outbox"), "http://mqcgm.test").withController(contact);
    }
}
