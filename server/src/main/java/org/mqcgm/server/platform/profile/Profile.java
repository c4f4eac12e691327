package org.mqcgm.server.platform.profile;

import java.time.ZoneId;
import java.util.UUID;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.metrics.RangeThresholds;
import org.mqcgm.server.platform.web.Language;

/**
 * What other features may know about a signed-in person: how to show things to them. Features that need the
 * wearer's zone, unit or language (glucose, reports) take this, never the accounts feature's {@code Account}.
 *
 * @param id       the account id
 * @param label    how the person is shown to themself (e-mail, else phone)
 * @param language preferred interface language
 * @param unit     preferred display unit
 * @param zone     home time zone; daily views follow its local days
 * @param targets  the glucose ranges the person's time in range is counted against (the international consensus
 *                 ranges until accounts let a person or their clinician choose others)
 */
public record Profile(UUID id, String label, Language language, GlucoseUnit unit, ZoneId zone,
                      RangeThresholds targets) {
}
