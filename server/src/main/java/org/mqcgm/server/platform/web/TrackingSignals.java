package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * The browser's "do not track me" signals: {@code DNT: 1} (Do Not Track) and {@code Sec-GPC: 1} (Global Privacy
 * Control). mqcgm tracks nobody whatever the signal (no analytics, no pixels, no third-party requests, no optional
 * cookies); a signal from a signed-in person is also remembered for their account as an opt-out of tracking in the
 * consent ledger, so it holds on their other devices and in their e-mail (PR-40).
 */
public final class TrackingSignals {

    private TrackingSignals() {
    }

    /** The signal the request carries, {@code gpc} before {@code dnt}; empty when none. */
    public static Optional<String> of(Context ctx) {
        if ("1".equals(trim(ctx.header("Sec-GPC")))) {
            return Optional.of("gpc");
        }
        if ("1".equals(trim(ctx.header("DNT")))) {
            return Optional.of("dnt");
        }
        return Optional.empty();
    }

    private static String trim(String value) {
        return value == null ? null : value.trim();
    }
}
