package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboundMessage;
import org.mqcgm.server.platform.web.Language;

/**
 * Account and security messages (sign-up and change codes, password reset, security notices, the compromise report)
 * never carry tracking: every kind, in both languages, by e-mail and SMS, is plain text without images, its only
 * links point straight at this server's pages (no redirect or click-counting address, no campaign parameters) and
 * it has no extra header fields (PR-38).
 */
class TransactionalMailTrackingTest {

    static final String PUBLIC_URL = "https://mqcgm.example";
    static final Pattern URL = Pattern.compile("https?://[^\\s)>\"]+");
    static final Pattern TRACKING = Pattern.compile("(?i)(utm_|track|click|redirect|pixel|beacon|/r/|/o/|[?&](url|u|next)=)");

    /** Fails when a message could tell anyone that it was opened or which link was followed. */
    static void assertUntracked(OutboundMessage m) {
        String all = m.subject() + "\n" + m.body();
        assertThat(all).as(m.subject()).doesNotContainIgnoringCase("<img").doesNotContainIgnoringCase("<html")
                .doesNotContainIgnoringCase("src=");
        Matcher u = URL.matcher(all);
        while (u.find()) {
            String url = u.group();
            assertThat(url).as(m.subject()).startsWith(PUBLIC_URL);
            assertThat(TRACKING.matcher(url.substring(PUBLIC_URL.length())).find()).as(url).isFalse();
        }
        assertThat(m.headers()).as(m.subject()).isEmpty();
    }

    @Test
    @Tag("PR-38")
    void everyAccountAndSecurityMessageIsUntracked() {
        List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
        Outbound outbound = new Outbound(sent::add, sent::add);
        AccountMail mail = new AccountMail(outbound, PUBLIC_URL);
        int expected = 0;
        for (Language language : List.of(Language.EN, Language.ZH_CN)) {
            for (AccountMail.Kind kind : AccountMail.Kind.values()) {
                for (String to : List.of("person@example.org", "+8613800138000")) {
                    mail.send(Identifier.parse(to).orElseThrow(), language, kind, "123456",
                            "/reset?code=Zx81");
                    expected++;
                }
            }
        }
        outbound.close();
        assertThat(sent).hasSize(expected);
        sent.forEach(TransactionalMailTrackingTest::assertUntracked);
        assertThat(sent).anySatisfy(m -> assertThat(m.body()).contains(PUBLIC_URL + "/reset?code=Zx81"));
    }
}
