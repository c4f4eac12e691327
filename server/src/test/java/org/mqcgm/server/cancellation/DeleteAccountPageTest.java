package org.mqcgm.server.cancellation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** Settings → Delete account over HTTP: the warning, the export offer, the typed word, the password. */
class DeleteAccountPageTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static Http signedIn(String email) {
        return signedIn(email, org.mqcgm.server.platform.web.Language.EN);
    }

    static Http signedIn(String email, org.mqcgm.server.platform.web.Language language) {
        UUID id = app.app().accounts().createVerified(email, TestApp.PASSWORD, "Asia/Shanghai", language, TestApp.ADULT_BIRTH_DATE);
        app.app().consents().record(id, org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA, true, "test");
        Http http = new Http(app.url());
        HttpResponse<String> login = http.postForm("/login", Map.of("identifier", email, "password",
                TestApp.PASSWORD));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
        return http;
    }

    static String status(String email) {
        return app.sql().withHandle(h -> h.createQuery("select status from account a where exists (select 1 from"
                + " account_cancellation c where c.owner_id = a.id) or a.status <> 'active'").mapTo(String.class)
                .findOne().orElse("active"));
    }

    static HttpResponse<String> submit(Http http, String confirm, String password) {
        return http.postForm("/settings/delete-account", Map.of("confirm", confirm, "password", password,
                "_csrf", http.csrfToken()));
    }

    @Test
    @Tag("PR-68")
    void thePageWarnsOffersTheExportAndNeedsTheTypedWordAndThePassword() {
        Http http = signedIn("page@example.org");
        assertThat(http.get("/settings").body()).contains("href=\"/settings/delete-account\"");
        HttpResponse<String> page = http.get("/settings/delete-account");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-testid=\"cannot-be-undone\"").contains("cannot be undone")
                .contains("href=\"/settings/export\"");

        HttpResponse<String> noWord = submit(http, "", TestApp.PASSWORD);
        HttpResponse<String> wrongWord = submit(http, "delete it", TestApp.PASSWORD);
        HttpResponse<String> wrongPassword = submit(http, "DELETE", "not the password");

        assertThat(noWord.statusCode()).isEqualTo(422);
        assertThat(wrongWord.statusCode()).isEqualTo(422);
        assertThat(wrongWord.body()).contains("data-field=\"confirm\"");
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(wrongPassword.body()).contains("Nothing was changed");
        assertThat(status("page@example.org")).isEqualTo("active");
        assertThat(http.get("/settings").statusCode()).isEqualTo(200);

        HttpResponse<String> done = submit(http, "delete", TestApp.PASSWORD);

        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("data-testid=\"cancellation-done\"");
        assertThat(status("page@example.org")).isEqualTo("cancelled");
        assertThat(http.get("/settings").headers().firstValue("Location").orElse("")).startsWith("/login");
    }

    @Test
    void theChineseWordWorksInChinese() {
        Http http = signedIn("zh@example.org", org.mqcgm.server.platform.web.Language.ZH_CN);
        UUID id = app.app().accounts().findId("zh@example.org").orElseThrow();
        HttpResponse<String> page = http.get("/settings/delete-account");
        assertThat(page.body()).contains("此操作无法撤销");
        assertThat(submit(http, "删除", TestApp.PASSWORD).statusCode()).isEqualTo(200);
        boolean queued = app.sql().withHandle(h -> h.createQuery(
                "select count(*) from account_cancellation where owner_id = :o").bind("o", id).mapTo(Integer.class)
                .one()) == 1;
        assertThat(queued).isTrue();
    }
}
