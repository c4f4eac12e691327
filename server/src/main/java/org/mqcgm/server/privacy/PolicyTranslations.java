package org.mqcgm.server.privacy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Reading translations of policy versions, keyed by the SHA-256 of the English text they translate: a version an
 * operator publishes later has another hash and so no translation until one is added here. The English text stays
 * the binding original; its hash and the archive's immutability are about it alone.
 */
final class PolicyTranslations {

    /** SHA-256 of the bundled {@code privacy/privacy-policy.txt} (version 1 on a fresh install). */
    static final String BUNDLED_SHA256 = "466fd932d316b1851eb58fbc293d32ccfc2e113d9a749a6e5d7807971b98369b";

    /** Language tag → (SHA-256 of the English text → resource holding its translation). */
    private static final Map<String, Map<String, String>> RESOURCES = Map.of(
            "zh-CN", Map.of(BUNDLED_SHA256, "/privacy/privacy-policy.zh-CN.txt"));

    private PolicyTranslations() {
    }

    /** The translation of the English text with this hash into this language, if one exists. */
    static Optional<String> of(String languageTag, String englishSha256) {
        String resource = RESOURCES.getOrDefault(languageTag, Map.of()).get(englishSha256);
        if (resource == null) {
            return Optional.empty();
        }
        try (InputStream in = PolicyTranslations.class.getResourceAsStream(resource)) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
