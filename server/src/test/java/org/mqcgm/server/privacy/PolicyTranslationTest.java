package org.mqcgm.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The Chinese reading translation of the policy (PR-85): shown on Chinese pages for the exact English text it
 * translates, with a notice that the English version prevails; it has the same sections and items as the English
 * text; a later version without a translation is shown in English with a notice saying so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyTranslationTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static final String NOTICE = "中文译文仅供参考，如有不一致，以英文版本为准";

    @Test
    @Order(1)
    void theTranslationIsKeyedByTheHashOfTheBundledEnglishTextAndHasItsStructure() {
        assertThat(PolicyTranslations.BUNDLED_SHA256).isEqualTo(PolicyVersions.sha256(PolicyVersions.bundled()));
        String zhText = PolicyTranslations.of("zh-CN", PolicyTranslations.BUNDLED_SHA256).orElseThrow();
        PolicyDocument en = PolicyDocument.parse(PolicyVersions.bundled());
        PolicyDocument zh = PolicyDocument.parse(zhText);
        assertThat(zh.preamble()).hasSameSizeAs(en.preamble());
        assertThat(zh.sections()).hasSize(10).hasSameSizeAs(en.sections());
        for (int i = 0; i < en.sections().size(); i++) {
            PolicyDocument.Section e = en.sections().get(i);
            PolicyDocument.Section z = zh.sections().get(i);
            assertThat(z.numeral()).isEqualTo(e.numeral());
            assertThat(z.anchor()).isEqualTo(e.anchor());
            assertThat(z.blocks()).hasSameSizeAs(e.blocks());
            assertThat(shape(z.blocks())).as("section %s", e.numeral()).isEqualTo(shape(e.blocks()));
        }
        assertThat(zh.sections().get(7).title()).isEqualTo("本政策如何更新");
        assertThat(zh.sections().get(7).blocks().get(0).text()).isEqualTo("我们的隐私政策可能变更。");
        assertThat(PolicyTranslations.of("zh-CN", "0".repeat(64))).isEmpty();
        assertThat(PolicyTranslations.of("en", PolicyTranslations.BUNDLED_SHA256)).isEmpty();
    }

    /** Kind and marker of each block: a sub-heading stays a sub-heading, item "c" stays item "c". */
    private static List<String> shape(List<PolicyDocument.Block> blocks) {
        return blocks.stream().map(b -> b.kind() + ":" + b.marker()).toList();
    }

    @Test
    @Order(2)
    @Tag("PR-85")
    void chinesePagesShowTheTranslationWithTheNoticeAndEnglishPagesAreUnchanged() {
        Http http = new Http(app.url());
        for (String path : List.of("/privacy", "/privacy/versions/1")) {
            String zh = http.get(path, "Accept-Language", "zh-CN").body();
            assertThat(zh).contains(NOTICE).contains("data-testid=\"policy-translation\"")
                    .doesNotContain("data-testid=\"policy-language\"")
                    .contains("<h2>Ⅰ. 我们如何收集和使用您的用户信息</h2>").contains("<h2>Ⅴ. 您的权利</h2>")
                    .contains("href=\"#section-10\"").contains("<div class=\"policy-text\" lang=\"zh-CN\">")
                    .contains("<h3>1. 您使用我们的产品或服务时我们收集和使用的信息</h3>")
                    .contains("<span class=\"marker\">a.</span> 与国家安全、国防安全直接相关的；")
                    .doesNotContain("Directly related to national security")
                    // The hash shown is the English text's: the archive is about the English original.
                    .contains(PolicyTranslations.BUNDLED_SHA256);

            String en = http.get(path, "Accept-Language", "en").body();
            assertThat(en).doesNotContain(NOTICE).doesNotContain("data-testid=\"policy-translation\"")
                    .doesNotContain("我们如何收集").contains("<h2>Ⅴ. Your rights</h2>")
                    .contains("<div class=\"policy-text\" lang=\"en\">");
        }
    }

    @Test
    @Order(3)
    @Tag("PR-85")
    void aLaterVersionWithoutATranslationIsShownInEnglishWithANotice() {
        PolicyVersions.Version v2 = app.app().policyVersions().publish(PolicyVersions.bundled() + "\nClarified wording.\n",
                false, Set.of(), "Clearer wording, nothing of substance changed.", null);
        Http http = new Http(app.url());
        String zh = http.get("/privacy", "Accept-Language", "zh-CN").body();
        assertThat(zh).contains("第 " + v2.number() + " 版").contains("此版本暂无中文译文")
                .contains("data-testid=\"policy-language\"").doesNotContain(NOTICE)
                .contains("<h2>Ⅴ. Your rights</h2>").contains("Clarified wording.")
                .contains("<div class=\"policy-text\" lang=\"en\">").doesNotContain("我们如何收集");
        // The archived version 1 keeps its translation.
        assertThat(http.get("/privacy/versions/1", "Accept-Language", "zh-CN").body()).contains(NOTICE)
                .contains("<h2>Ⅴ. 您的权利</h2>");
    }
}
