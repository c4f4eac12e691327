package org.mqcgm.server.accounts;

import java.time.ZoneId;
import java.util.UUID;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.server.platform.web.Language;

/**
 * An account as the rest of the server sees it.
 *
 * @param id       random account id (never derived from the e-mail or phone)
 * @param email    the decrypted e-mail address
 * @param timeZone the user's home time zone; daily views follow its local days
 * @param unit     preferred display unit
 * @param language preferred interface language
 */
public record Account(UUID id, String email, ZoneId timeZone, GlucoseUnit unit, Language language) {
}
