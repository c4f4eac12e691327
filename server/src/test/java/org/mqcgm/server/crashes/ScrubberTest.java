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
        assertThat(s).contains("Upload.java:120)").contains("Collector.java:587)").contains("lambda$run$3")
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
