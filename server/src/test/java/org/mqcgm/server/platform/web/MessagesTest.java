package org.mqcgm.server.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessagesTest {

    /** Every bundle in src/main/resources/i18n: the shared one and each feature's own. */
    private static java.util.List<String> bundles() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/i18n"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".properties") && !n.contains("_"))
                    .map(n -> n.substring(0, n.length() - ".properties".length()))
                    .sorted().toList();
        }
    }

    @Test
    void englishAndChineseDefineTheSameTextsInEveryBundle() throws java.io.IOException {
        assertThat(bundles()).contains("messages");
        for (String bundle : bundles()) {
            assertThat(Messages.keys(bundle, Language.ZH_CN)).as(bundle)
                    .containsExactlyInAnyOrderElementsOf(Messages.keys(bundle, Language.EN));
            if (!bundle.equals("messages")) {
                assertThat(Messages.keys(bundle, Language.EN)).as("feature bundle keys start with its name")
                        .allMatch(k -> k.startsWith(bundle + "."));
            }
        }
    }

    @Test
    void chineseTextsAreChinese() {
        assertThat(Messages.of(Language.ZH_CN).t("nav.today")).isEqualTo("今日");
        assertThat(Messages.of(Language.EN).t("nav.today")).isEqualTo("Today");
        assertThat(Messages.of(Language.ZH_CN).t("today.minutesAgo", 5)).isEqualTo("5 分钟前");
        assertThat(Messages.of(Language.EN).t("today.minutesAgo", 0)).isEqualTo("just now");
        assertThat(Messages.of(Language.EN).t("today.minutesAgo", 1)).isEqualTo("1 min ago");
        assertThat(Messages.of(Language.EN).t("today.minutesAgo", 12)).isEqualTo("12 min ago");
    }

    @Test
    void missingKeysAreVisibleNotFatal() {
        assertThat(Messages.of(Language.EN).t("no.such.key")).isEqualTo("??no.such.key??");
    }

    @Test
    void acceptLanguagePicksChineseForAnyChineseVariant() {
        assertThat(Language.fromAcceptLanguage("zh-TW,zh;q=0.9,en;q=0.8")).contains(Language.ZH_CN);
        assertThat(Language.fromAcceptLanguage("en-GB,en;q=0.9")).contains(Language.EN);
        assertThat(Language.fromAcceptLanguage("fr-FR")).isEmpty();
        assertThat(Language.fromAcceptLanguage("garbage;;q=")).isEmpty();
    }
}
