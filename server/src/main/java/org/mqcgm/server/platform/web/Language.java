package org.mqcgm.server.platform.web;

import java.util.Locale;
import java.util.Optional;

/** The user-interface languages: English and Simplified Chinese. */
public enum Language {
    EN("en", Locale.ENGLISH),
    ZH_CN("zh-CN", Locale.SIMPLIFIED_CHINESE);

    private final String tag;
    private final Locale locale;

    Language(String tag, Locale locale) {
        this.tag = tag;
        this.locale = locale;
    }

    /** The BCP 47 tag used in {@code lang=} attributes, cookies and the database. */
    public String tag() {
        return tag;
    }

    public Locale locale() {
        return locale;
    }

    public static Optional<Language> parse(String tag) {
        if (tag == null) {
            return Optional.empty();
        }
        for (Language l : values()) {
            if (l.tag.equalsIgnoreCase(tag.trim())) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** Picks the first supported language of an {@code Accept-Language} header (any Chinese → zh-CN). */
    public static Optional<Language> fromAcceptLanguage(String header) {
        if (header == null) {
            return Optional.empty();
        }
        for (Locale.LanguageRange range : parseRanges(header)) {
            String r = range.getRange().toLowerCase(Locale.ROOT);
            if (r.startsWith("zh")) {
                return Optional.of(ZH_CN);
            }
            if (r.startsWith("en")) {
                return Optional.of(EN);
            }
        }
        return Optional.empty();
    }

    private static java.util.List<Locale.LanguageRange> parseRanges(String header) {
        try {
            return Locale.LanguageRange.parse(header);
        } catch (IllegalArgumentException e) {
            return java.util.List.of();
        }
    }
}
