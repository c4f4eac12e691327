package org.mqcgm.server.platform.web;

import org.mqcgm.core.glucose.GlucoseUnit;

/**
 * What every page template needs besides its own model: texts in the chosen language, the CSRF token for forms,
 * the display unit, the signed-in user's label (null for visitors) and the current path (for the language switch
 * to return to).
 */
public record PageContext(Messages msg, String csrf, GlucoseUnit unit, String userLabel, String path) {

    public boolean signedIn() {
        return userLabel != null;
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
}
