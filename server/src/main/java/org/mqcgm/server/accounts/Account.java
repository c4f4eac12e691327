package org.mqcgm.server.accounts;

import java.time.ZoneId;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.platform.web.Language;

/**
 * An account as the rest of the server sees it.
 *
 * @param id        random account id (never derived from the e-mail or phone)
 * @param email     the decrypted e-mail address, or null
 * @param phone     the decrypted mobile number (E.164), or null
 * @param timeZone  the user's home time zone; daily views follow its local days
 * @param unit      preferred display unit
 * @param language  preferred interface language
 * @param roles     roles held (always USER)
 * @param twoFactor true when TOTP two-factor authentication is on
 */
public record Account(UUID id, String email, String phone, ZoneId timeZone, GlucoseUnit unit, Language language,
                      Set<Role> roles, boolean twoFactor) {

    /** How the person is shown to themself: their e-mail, else their phone number. */
    public String label() {
        return email != null ? email : phone;
    }
}
