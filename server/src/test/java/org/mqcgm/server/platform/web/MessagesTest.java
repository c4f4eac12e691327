package org.mqcgm.server.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessagesTest {

    @Test
    void englishAndChineseDefineTheSameTexts() {
        assertThat(Messages.keys(Language.ZH_CN)).containsExactlyInAnyOrderElementsOf(Messages.keys(Language.EN));
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
