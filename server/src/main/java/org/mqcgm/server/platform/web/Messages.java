package org.mqcgm.server.platform.web;

import java.text.MessageFormat;
import java.util.EnumMap;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The user-interface texts of one language (UTF-8 properties files). A key {@code feature.rest} is looked up first
 * in the feature's own bundle {@code i18n/feature*.properties} when one exists — so each feature keeps its texts
 * beside its code without editing a shared file — and otherwise in the shared {@code i18n/messages*.properties}.
 * A missing key shows as {@code ??key??} so page tests catch it instead of the page failing.
 */
public final class Messages {

    private static final Map<Language, Messages> ALL = new EnumMap<>(Language.class);
    private static final ResourceBundle.Control CONTROL =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    static {
        for (Language l : Language.values()) {
            ALL.put(l, new Messages(l));
        }
    }

    private final Language language;
    private final ResourceBundle bundle;
    private final Map<String, java.util.Optional<ResourceBundle>> featureBundles =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Messages(Language language) {
        this.language = language;
        this.bundle = load("messages", language).orElseThrow();
    }

    private static java.util.Optional<ResourceBundle> load(String name, Language language) {
        try {
            return java.util.Optional.of(ResourceBundle.getBundle("i18n." + name, language.locale(), CONTROL));
        } catch (MissingResourceException e) {
            return java.util.Optional.empty();
        }
    }

    public static Messages of(Language language) {
        return ALL.get(language);
    }

    public Language language() {
        return language;
    }

    /** The text for {@code key}. */
    public String t(String key) {
        int dot = key.indexOf('.');
        if (dot > 0) {
            java.util.Optional<ResourceBundle> feature = featureBundles.computeIfAbsent(key.substring(0, dot),
                    name -> name.equals("messages") ? java.util.Optional.empty() : load(name, language));
            if (feature.isPresent() && feature.get().containsKey(key)) {
                return feature.get().getString(key);
            }
        }
        return bundle.containsKey(key) ? bundle.getString(key) : "??" + key + "??";
    }

    /** True when {@code key} has a text in this language. */
    public boolean has(String key) {
        return !t(key).startsWith("??");
    }

    /** The text for {@code key} with {@link MessageFormat} arguments. */
    public String t(String key, Object... args) {
        return new MessageFormat(t(key), language.locale()).format(args);
    }

    /** The keys of a bundle in one language (a test checks both languages define the same keys). */
    static java.util.Set<String> keys(String bundleName, Language language) {
        return load(bundleName, language).map(ResourceBundle::keySet).orElse(java.util.Set.of());
    }
}
