package org.mqcgm.server.crashes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the scrubber takes out of a crash report, and what it leaves for a developer. */
class ScrubberTest {

    @Test
    void aJavaStackKeepsItsFramesAndLosesTheValuesOfItsMessages() {
        String stack = """
                java.lang.IllegalStateException: reading 287 rejected (value:311, at 03:12)
                \tat org.mqcgm.collector.Upload.send(Upload.java:120)
                \tat org.mqcgm.collector.Collector.lambda$run$3(Collector.java:587)
                Caused by: java.io.IOException: tel:13800138000 code=482913 pin: 1234""";
        String s = Scrubber.text(stack);
        assertThat(s).contains("Upload.java:120)").contains("Collector.java:587)").contains("lambda$run$")
                .doesNotContain("287").doesNotContain("311").doesNotContain("03:12").doesNotContain("13800138000")
                .doesNotContain("482913").doesNotContain("1234");
        assertThat(s.lines().findFirst().orElseThrow())
                .isEqualTo("java.lang.IllegalStateException: reading [n] rejected (value:[n], at [n]:[n])");
    }

    @Test
    void firefoxFramesAndUrlsKeepTheirPlaceButNotTheirQueries() {
        String s = Scrubber.text("render@https://cgm.example.org/static/app.js?v=5:12:34\n"
                + "https://cgm.example.org/reports?from=2026-01-01#agp failed with 5.6 mmol/L");
        assertThat(s).isEqualTo("render@https://cgm.example.org/static/app.js\n"
                + "https://cgm.example.org/reports failed with [n] mmol/L");
    }

    /** Inputs that leaked through an earlier version (found in review). */
    @Test
    void valuesGluedToWordsSecretsInLongerNamesAndOtherIdentifiersGo() {
        assertThat(Scrubber.text("glucose 287mg/dL too high, 5.6mmol/L, value_287, x=287px"))
                .isEqualTo("glucose [n]mg/dL too high, [n]mmol/L, value_[n], x=[n]px");
        assertThat(Scrubber.text("Reading[time=2026-12-07T06:16:49Z, mgdl=287]")).doesNotContain("2026")
                .doesNotContain("06").doesNotContain("16").doesNotContain("49").doesNotContain("287");
        assertThat(Scrubber.text("access_token=abcdef123456 mqcgm_session=abcdEFGH1234 api_key=Abc123Xyz "
                + "sid=Zk9qL2mP8xR4 Authorization: Bearer abc123def456 Bearer xyzABC"))
                .doesNotContain("abcdef").doesNotContain("abcdEFGH").doesNotContain("Abc").doesNotContain("Zk9q")
                .doesNotContain("abc123def").doesNotContain("xyzABC");
        assertThat(Scrubber.text("用户@qq.com, Alice.Wang@例子.中国 and x [at] example.org"))
                .isEqualTo("[e-mail], [e-mail] and [e-mail]");
        assertThat(Scrubber.text("call_13800138000, ２８７ and ٢٨٧")).doesNotContain("138")
                .doesNotContain("２８７").doesNotContain("٢٨٧");
        assertThat(Scrubber.text("sensor E8:DA:FC:AB:CD:EF serial 3MH0012AB4C")).doesNotContain("E8:DA")
                .doesNotContain("0012").contains("[mac]");
        assertThat(Scrubber.text("/home/zhangwei/.local/share/mqcgm and C:\\Users\\Zhang Wei\\AppData"))
                .doesNotContain("zhangwei").doesNotContain("Zhang Wei");
        // A Firefox frame is not an e-mail address, and a build's file name keeps its hash and place.
        assertThat(Scrubber.text("render@https://cgm.example.org/static/app.3fa9c1d2.js:12:34"))
                .isEqualTo("render@https://cgm.example.org/static/app.3fa9c1d2.js:12:34");
    }

    @Test
    void theKindOfAnErrorIsAnIdentifierOrError() {
        assertThat(Scrubber.kind("TypeError")).isEqualTo("TypeError");
        assertThat(Scrubber.kind("java.lang.IllegalStateException")).isEqualTo("java.lang.IllegalStateException");
        assertThat(Scrubber.kind("call 13800138000")).isEqualTo("Error");
        assertThat(Scrubber.kind(null)).isEqualTo("Error");
    }

    @Test
    void theSignatureIgnoresValuesBuildHashesAndLineNumbers() {
        String a = Scrubber.signature("web", "TypeError", "at f (https://h/static/app.1a2b3c4d.js:10:2)\nat g (x.js:5:1)");
        String b = Scrubber.signature("web", "TypeError", "at f (https://h/static/app.9f8e7d6c.js:11:7)\nat g (x.js:6:1)");
        String c = Scrubber.signature("web", "TypeError", "at h (https://h/static/app.9f8e7d6c.js:11:7)");
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
        assertThat(Scrubber.signature("collector", "TypeError", "at f (https://h/static/app.1a2b3c4d.js:10:2)\n"
                + "at g (x.js:5:1)")).isNotEqualTo(a);
    }
}
