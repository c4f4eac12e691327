package org.mqcgm.server.platform.web;

import java.text.MessageFormat;
import java.util.EnumMap;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The user-interface texts of one language, from {@code i18n/messages*.properties} (UTF-8). A missing key shows
 * as {@code ??key??} so it is caught by the page tests instead of failing the page.
 */
public final class Messages {

    private static final Map<Language, Messages> ALL = new EnumMap<>(Language.class);

    static {
        for (Language l : Language.values()) {
            ALL.put(l, new Messages(l, ResourceBundle.getBundle("i18n.messages", l.locale(),
                    ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES))));
        }
    }

    private final Language language;
    private final ResourceBundle bundle;

    private Messages(Language language, ResourceBundle bundle) {
        this.language = language;
        this.bundle = bundle;
    }

    public static Messages of(Language language) {
        return ALL.get(language);
    }

    public Language language() {
        return language;
    }

    /** The text for {@code key}. */
    public String t(String key) {
        try {
            return bundle.getString(key);
        } catch (MissingResourceException e) {
            return "??" + key + "??";
        }
    }

    /** The text for {@code key} with {@link MessageFormat} arguments. */
    public String t(String key, Object... args) {
        return new MessageFormat(t(key), language.locale()).format(args);
    }

    /** True when both languages define exactly the same keys (checked by a test). */
    static java.util.Set<String> keys(Language language) {
        return ALL.get(language).bundle.keySet();
    }
}
