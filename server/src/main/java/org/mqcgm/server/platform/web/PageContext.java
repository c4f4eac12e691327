package org.mqcgm.server.platform.web;

import java.time.ZoneId;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.server.platform.profile.Profile;

/**
 * What every page template needs besides its own model: texts in the chosen language, the CSRF token for forms,
 * the display unit, the signed-in person's profile (null for visitors; pages take the zone and unit from it) and the current path, with a GET's query (for
 * the language switch to return to), a notice for the top of the page (null when none), and whether the page's
 * script reports its crashes (only while the signed-in person consents to crash reports, PR-50), and the controller's
 * contact for the footer (PR-89; null: none).
 */
public record PageContext(Messages msg, String csrf, GlucoseUnit unit, Profile profile, String path,
                          Notices.Notice notice, boolean crashReports,
                          org.mqcgm.server.platform.transparency.ControllerContact contact) {

    /** A page without the controller contact in its footer. */
    public PageContext(Messages msg, String csrf, GlucoseUnit unit, Profile profile, String path,
                       Notices.Notice notice, boolean crashReports) {
        this(msg, csrf, unit, profile, path, notice, crashReports, null);
    }

    /** A page without a notice. */
    public PageContext(Messages msg, String csrf, GlucoseUnit unit, Profile profile, String path) {
        this(msg, csrf, unit, profile, path, null);
    }

    /** A page whose scripts send no crash reports. */
    public PageContext(Messages msg, String csrf, GlucoseUnit unit, Profile profile, String path,
                       Notices.Notice notice) {
        this(msg, csrf, unit, profile, path, notice, false);
    }

    public boolean signedIn() {
        return profile != null;
    }

    /** How the signed-in person is shown to themself; null for visitors. */
    public String userLabel() {
        return profile == null ? null : profile.label();
    }

    /** The signed-in person's home zone (UTC for visitors). */
    public ZoneId zone() {
        return profile == null ? ZoneId.of("UTC") : profile.zone();
    }

    public String lang() {
        return msg.language().tag();
    }

    /** Shorthand used in templates: {@code page.t("today.title")}. */
    public String t(String key) {
        return msg.t(key);
    }

    public String t(String key, Object... args) {
        return msg.t(key, args);
    }

    /** A field error in the page's language: the field's name and the rule it broke. */
    public String explain(org.mqcgm.server.platform.http.Problem.FieldError e) {
        String field = msg.has("field." + e.field()) ? msg.t("field." + e.field()) : e.field();
        String rule = msg.has("rule." + e.rule()) ? msg.t("rule." + e.rule()) : e.message();
        return field + ": " + rule;
    }
}
