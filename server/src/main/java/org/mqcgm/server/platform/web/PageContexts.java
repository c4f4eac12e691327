package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import java.util.Optional;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.profile.Profile;
import org.mqcgm.server.platform.profile.Profiles;

/**
 * Builds the {@link PageContext} of a request. Language: the {@code ui_prefs} cookie, then the signed-in user's
 * setting, then {@code Accept-Language}, then English. Unit: the signed-in user's setting, then the cookie, then
 * mg/dL.
 */
public final class PageContexts {

    private final Profiles profiles;
    private final Notices notices;
    private final Consents consents;
    private final Announcements announcements;
    private final org.mqcgm.server.platform.transparency.ControllerContact contact;

    public PageContexts(Profiles profiles) {
        this(profiles, Notices.NONE);
    }

    /** With a source of notices for signed-in people (the privacy feature's policy-change notice). */
    public PageContexts(Profiles profiles, Notices notices) {
        this(profiles, notices, null);
    }

    /**
     * @param consents asked whether the signed-in person consents to crash reports (the page's script reports
     *                 its crashes only then); null: never
     */
    public PageContexts(Profiles profiles, Notices notices, Consents consents) {
        this(profiles, notices, consents, Announcements.NONE, null);
    }

    /**
     * With a public notice for visitors who are not signed in (the login page's banner) and the controller's
     * contact every page's footer shows (PR-89).
     */
    public PageContexts(Profiles profiles, Notices notices, Consents consents, Announcements announcements,
                        org.mqcgm.server.platform.transparency.ControllerContact contact) {
        this.profiles = profiles;
        this.notices = notices;
        this.consents = consents;
        this.announcements = announcements;
        this.contact = contact;
    }

    public PageContext of(Context ctx) {
        UiPrefs prefs = UiPrefs.read(ctx);
        Optional<Profile> profile = profiles.optional(ctx);
        Language language = prefs.language()
                .or(() -> profile.map(Profile::language))
                .or(() -> Language.fromAcceptLanguage(ctx.header("Accept-Language")))
                .orElse(Language.EN);
        GlucoseUnit unit = profile.map(Profile::unit).or(prefs::unit).orElse(GlucoseUnit.MG_DL);
        Messages msg = Messages.of(language);
        if (consents != null && profile.isPresent()) {
            // A signed-in person's Do Not Track / Global Privacy Control is remembered for the account (PR-40).
            TrackingSignals.of(ctx).ifPresent(signal -> consents.rememberDoNotTrack(profile.get().id(), signal));
        }
        boolean crashReports = consents != null && profile.isPresent()
                && consents.granted(profile.get().id(), Consents.Purpose.CRASH_REPORTS);
        return new PageContext(msg, Csrf.token(ctx), unit, profile.orElse(null), here(ctx),
                profile.isPresent() ? profile.flatMap(p -> notices.of(ctx, p, msg)).orElse(null)
                        : announcements.of(ctx, msg).orElse(null), crashReports, contact);
    }

    /** The page to come back to after a preference change: a GET keeps its query (the day History shows). */
    private static String here(Context ctx) {
        String query = ctx.queryString();
        return ctx.method() == io.javalin.http.HandlerType.GET && query != null && !query.isEmpty()
                ? ctx.path() + "?" + query : ctx.path();
    }
}
