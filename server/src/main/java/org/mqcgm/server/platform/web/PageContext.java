package org.mqcgm.server.platform.web;

import org.mqcgm.core.glucose.GlucoseUnit;

/**
 * What every page template needs besides its own model: texts in the chosen language, the CSRF token for forms,
 * the display unit, the signed-in user's label (null for visitors) and the current path, with a GET's query (for
 * the language switch to return to).
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

    /** A field error in the page's language: the field's name and the rule it broke. */
    public String explain(org.mqcgm.server.platform.http.Problem.FieldError e) {
        String field = msg.has("field." + e.field()) ? msg.t("field." + e.field()) : e.field();
        String rule = msg.has("rule." + e.rule()) ? msg.t("rule." + e.rule()) : e.message();
        return field + ": " + rule;
    }
}
