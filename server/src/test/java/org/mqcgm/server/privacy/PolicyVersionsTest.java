package org.mqcgm.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The archive of policy versions (PR-85): the bundled policy is version 1 on a first start; every version is listed
 * with its effective date, SHA-256, summary and kind, readable, served byte for byte as hashed, and never changed —
 * not through HTTP (405) and not in the database (a trigger). The policy page is cut into a summary, a table of
 * contents and sections, in English and Chinese. Publishing checks the six major-change questions (PR-84), and
 * consents record the version in force.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyVersionsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static PolicyVersions versions() {
        return app.app().policyVersions();
    }

    @Test
    @Order(1)
    @Tag("PR-85")
    void theBundledPolicyIsTheFirstVersionAndTheServedTextHasTheStoredHash() throws Exception {
        PolicyVersions.Version v1 = versions().current();
        assertThat(v1.number()).isEqualTo(1);
        assertThat(v1.text()).isEqualTo(PolicyVersions.bundled());
        assertThat(v1.version()).isEqualTo(v1.sha256().substring(0, 16));

        HttpResponse<String> text = new Http(app.url()).get("/privacy/versions/1/text");
        assertThat(text.statusCode()).isEqualTo(200);
        String served = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.body().getBytes(StandardCharsets.UTF_8)));
        String stored = app.sql().withHandle(h -> h.createQuery("select sha256 from policy_version where number = 1")
                .mapTo(String.class).one());
        assertThat(served).isEqualTo(stored).isEqualTo(v1.sha256());
        assertThat(text.headers().firstValue("ETag")).contains("\"" + stored + "\"");
    }

    @Test
    @Order(2)
    void thePolicyPageHasASummaryContentsAndTheTenSectionsInEnglishAndChinese() {
        Http http = new Http(app.url());
        String en = http.get("/privacy").body();
        assertThat(en).contains("data-testid=\"policy-summary\"").contains("In plain words")
                .contains("data-testid=\"policy-toc\"");
        for (int i = 1; i <= 10; i++) {
            assertThat(en).contains("href=\"#section-" + i + "\"").contains("<section id=\"section-" + i + "\">");
        }
        assertThat(en).contains("Ⅴ. Your rights").contains("Ⅶ. How your user information is stored")
                .contains("<h3>1. The information we collect and use when you use our products or services</h3>")
                .contains("Version 1, in effect since");
        PolicyDocument doc = PolicyDocument.parse(PolicyVersions.bundled());
        assertThat(doc.sections()).hasSize(10);
        assertThat(doc.sections().get(7).title()).isEqualTo("How to update this policy");
        assertThat(doc.sections().get(7).blocks().get(0).text()).isEqualTo("Our privacy policy may change.");
        // Every line of the text (but the policy's own list of contents) is in exactly one block or heading.
        long lines = PolicyVersions.bundled().lines().filter(l -> !l.isBlank()).count();
        long toc = 10;
        long blocks = doc.preamble().size() + doc.sections().stream().mapToLong(x -> 1 + x.blocks().size()).sum();
        assertThat(blocks).isEqualTo(lines - toc + 1); // + 1: section VIII's heading line also holds a sentence
        assertThat(en).contains("Company Address: Building 5, No. 58, Yaochi Road, Huzhou City")
                .contains("<span class=\"marker\">a.</span> Directly related to national security");

        HttpResponse<String> zh = http.get("/privacy", "Accept-Language", "zh-CN");
        assertThat(zh.body()).contains("简明摘要").contains("目录").contains("第 1 版")
                .contains("data-testid=\"policy-translation\"").doesNotContain("data-testid=\"policy-language\"");
    }

    @Test
    @Order(3)
    @Tag("PR-85")
    void anArchivedVersionCannotBeChangedThroughHttpOrInTheDatabase() {
        Http http = new Http(app.url());
        for (String method : List.of("PUT", "PATCH", "DELETE")) {
            HttpResponse<String> r = http.send(method, "/privacy/versions/1", "{\"text\":\"changed\"}",
                    "Content-Type", "application/json");
            assertThat(r.statusCode()).as(method + " " + r.body()).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).contains("GET");
        }
        assertThatThrownBy(() -> app.sql().useHandle(h -> h.execute(
                "update policy_version set summary = 'rewritten' where number = 1")))
                .hasMessageContaining("policy_version is write-once").hasMessageContaining("UPDATE");
        assertThatThrownBy(() -> app.sql().useHandle(h -> h.execute("delete from policy_version")))
                .hasMessageContaining("policy_version is write-once").hasMessageContaining("DELETE");
        // refused: by the write-once rule, or before it by the contact each version was published with (PR-89)
        assertThatThrownBy(() -> app.sql().useHandle(h -> h.execute("truncate policy_version")))
                .hasMessageMatching("(?s).*(policy_version is write-once.*TRUNCATE|cannot truncate a table referenced"
                        + " in a foreign key constraint).*");
        assertThat(http.get("/privacy/versions/1/text").body()).isEqualTo(PolicyVersions.bundled());
    }

    @Test
    @Order(4)
    @Tag("PR-84")
    void aMinorVersionNamingAMajorChangeIsRefusedAndSoIsAnArchivedText() {
        assertThatThrownBy(() -> versions().publish(PolicyVersions.bundled() + "\nNew recipient.\n", false,
                Set.of(PolicyVersions.Change.RECIPIENTS), "Adds a recipient", null))
                .isInstanceOf(PolicyVersions.Refused.class).hasMessageContaining("--major");
        assertThatThrownBy(() -> versions().publish(PolicyVersions.bundled(), true,
                Set.of(PolicyVersions.Change.RIGHTS), "Same text", null))
                .isInstanceOf(PolicyVersions.Refused.class).hasMessageContaining("already archived");
        // The database holds the rule too.
        assertThatThrownBy(() -> app.sql().useHandle(h -> h.execute("""
                insert into policy_version (number, version, sha256, text, effective_at, published_at, summary, major,
                    changes_purpose, changes_ownership, changes_recipients, changes_rights, changes_contacts,
                    changes_high_risk)
                select 99, left(encode(sha256('x'::bytea), 'hex'), 16), encode(sha256('x'::bytea), 'hex'), 'x', now(),
                    now(), 's', false, false, false, true, false, false, false""")))
                .hasMessageContaining("policy_version");
        assertThat(versions().all()).hasSize(1);
    }

    @Test
    @Order(5)
    @Tag("PR-85")
    void everyVersionIsListedAndReadableAndConsentsRecordTheVersionInForce() throws Exception {
        UUID owner = app.newUser("versions-consent@example.org");
        String bearer = "Bearer " + app.app().apiTokens().create(owner, "all", EnumSet.allOf(Scope.class));
        Http http = new Http(app.url());
        String v1 = versions().current().version();
        PolicyVersions.Version v2 = versions().publish(PolicyVersions.bundled() + "\nClarified wording.\n", false,
                Set.of(), "Clearer wording, nothing of substance changed.", null);
        assertThat(versions().current().number()).isEqualTo(2);

        HttpResponse<String> recorded = http.postJson("/api/v1/me/consents",
                "{\"purpose\":\"newsletter\",\"granted\":true}", "Authorization", bearer);
        assertThat(JSON.readTree(recorded.body()).path("policyVersion").asText()).isEqualTo(v2.version());
        List<String> stored = app.sql().withHandle(h -> h.createQuery("select policy_version from consent_event"
                + " where owner_id = :o order by at, id").bind("o", owner).mapTo(String.class).list());
        assertThat(stored).containsExactly(v1, v2.version());
        // Each version a consent names resolves in the archive.
        for (String version : stored) {
            assertThat(versions().byVersion(version)).isPresent();
        }

        String list = http.get("/privacy/versions").body();
        assertThat(list).contains("data-testid=\"version-1\"").contains("data-testid=\"version-2\"")
                .contains(v2.sha256()).contains(versions().byNumber(1).orElseThrow().sha256())
                .contains("Clearer wording, nothing of substance changed.").contains("minor change");
        assertThat(http.get("/privacy/versions/1").body()).contains("data-testid=\"policy-archived\"");
        assertThat(http.get("/privacy/versions/2/text").body()).isEqualTo(v2.text());
        assertThat(http.get("/privacy/versions/3").statusCode()).isEqualTo(404);
        assertThat(http.get("/privacy/versions/x").statusCode()).isEqualTo(404);

        // A version announced ahead is archived and listed, but not in force until its date.
        PolicyVersions.Version v3 = versions().publish(PolicyVersions.bundled() + "\nLater.\n", false, Set.of(),
                "Announced ahead.", Instant.now().plus(40, ChronoUnit.DAYS));
        assertThat(versions().current().number()).isEqualTo(2);
        assertThat(http.get("/privacy").body()).contains("data-testid=\"policy-upcoming\"")
                .contains("/privacy/versions/" + v3.number());
    }
}
