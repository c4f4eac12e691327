package org.mqcgm.server.privacy;

import org.mqcgm.server.platform.consent.Consents.Purpose;

/** What the privacy pages show, as records the templates can read (public for the templates only). */
public final class PrivacyViews {

    private PrivacyViews() {
    }

    /** A purpose as the privacy centre shows it: the registry entry and the person's latest choice. */
    public record PurposeRow(Purpose purpose, boolean granted) {
    }

    /** An entry of the person's history, with the number of the policy version it was given under (0: unknown). */
    public record HistoryRow(ConsentLedger.Event event, int versionNumber) {
    }
}
