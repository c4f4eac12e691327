package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.mqcgm.core.glucose.GlucoseUnit;

/**
 * The {@code ui_prefs} cookie: language and glucose unit for visitors (signed-in users keep theirs in the
 * account). It holds nothing else, so the site works the same with it blocked — defaults apply (PR-37).
 *
 * @param language chosen language, if any
 * @param unit     chosen unit, if any
 */
public record UiPrefs(Optional<Language> language, Optional<GlucoseUnit> unit) {

    public static final String COOKIE = SiteCookie.UI_PREFS.baseName();

    public static UiPrefs read(Context ctx) {
        String raw = Cookies.read(ctx, SiteCookie.UI_PREFS);
        Optional<Language> lang = Optional.empty();
        Optional<GlucoseUnit> unit = Optional.empty();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String key = pair.substring(0, eq);
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (key.equals("lang")) {
                    lang = Language.parse(value);
                } else if (key.equals("unit")) {
                    unit = GlucoseUnit.parse(value);
                }
            }
        }
        return new UiPrefs(lang, unit);
    }

    public UiPrefs withLanguage(Language l) {
        return new UiPrefs(Optional.of(l), unit);
    }

    public UiPrefs withUnit(GlucoseUnit u) {
        return new UiPrefs(language, Optional.of(u));
    }

    public void write(Context ctx) {
        StringBuilder v = new StringBuilder();
        language.ifPresent(l -> v.append("lang=").append(l.tag()));
        unit.ifPresent(u -> v.append(v.isEmpty() ? "" : "&").append("unit=")
                .append(URLEncoder.encode(u.symbol(), StandardCharsets.UTF_8)));
        Cookies.set(ctx, SiteCookie.UI_PREFS, v.toString());
    }
}
