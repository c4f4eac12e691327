package org.mqcgm.server.accounts;

import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboundMessage;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;

/**
 * The messages the account system sends: codes and security notices, by e-mail or SMS, in the person's language.
 * They carry no glucose data (PR-55) and no tracking links or pixels (PR-38); links point to this server only.
 */
final class AccountMail {

    enum Kind {
        SIGNUP_CODE, ALREADY_REGISTERED, RESET_CODE, CHANGE_CODE, PASSWORD_CHANGED, IDENTIFIER_CHANGED,
        LOCKED, COMPROMISE,
        /** Security notices (issue 16, {@link SecurityNotices}). */
        TWO_FACTOR_ON, TWO_FACTOR_OFF, RECOVERY_CODES, NEW_LOGIN, TOTP_REUSED,
        /** An API token ends within {@link ApiTokens#NEAR_EXPIRY} (ASVS V2.3.3). */
        TOKEN_EXPIRING,
        /** A login found the password among the breached or common ones (ASVS V2.1.7). */
        PASSWORD_BREACHED
    }

    private final Outbound outbound;
    private final String publicUrl;

    AccountMail(Outbound outbound, String publicUrl) {
        this.outbound = outbound;
        this.publicUrl = publicUrl;
    }

    /**
     * Sends a message of {@code kind} to {@code to}.
     *
     * @param code a one-time code to include, or null
     * @param link a path on this server to include, or null
     */
    void send(Identifier to, Language language, Kind kind, String code, String link) {
        Messages m = Messages.of(language);
        String key = "accounts.mail." + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        String url = link == null ? publicUrl : publicUrl + link;
        String body = m.t(key + ".body", code == null ? "" : code, url) + "\n\n" + m.t("accounts.mail.footer", publicUrl);
        if (to.channel() == OutboundMessage.Channel.SMS) {
            // Texts are short: the body line only, no footer.
            body = m.t(key + ".sms", code == null ? "" : code, url);
        }
        outbound.send(new OutboundMessage(to.channel(), to.value(), m.t(key + ".subject"), body));
    }
}
