package org.mqcgm.server.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** Static files: a fixed set loaded at start, content-hashed names cached for a year, nothing kept for misses. */
class StaticAssetsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static Http http;

    @BeforeAll
    static void start() {
        http = new Http(app.url());
    }

    @Test
    void missingNamesAnswer404AndLeaveNothingBehind() {
        int before = StaticAssets.size();
        for (int i = 0; i < 1000; i++) {
            assertThat(http.get("/static/missing-" + i + ".js").statusCode()).isEqualTo(404);
        }
        assertThat(StaticAssets.size()).isEqualTo(before);
    }

    @Test
    void pagesReferenceContentHashedNamesServedAsImmutable() {
        String html = http.get("/login").body();
        for (String kind : new String[] {"css", "js", "svg"}) {
            Matcher m = Pattern.compile("\"(/static/app\\.[0-9a-f]{8,}\\." + kind + ")\"|\"(/static/icon\\.[0-9a-f]{8,}\\."
                    + kind + ")\"").matcher(html);
            assertThat(m.find()).as("a hashed %s in %s", kind, html).isTrue();
            String url = m.group(1) != null ? m.group(1) : m.group(2);
            HttpResponse<String> r = http.get(url);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");
            String plain = url.replaceAll("\\.[0-9a-f]{8,}\\.", ".");
            HttpResponse<String> old = http.get(plain);
            assertThat(old.statusCode()).isEqualTo(200);
            assertThat(old.body()).isEqualTo(r.body());
            assertThat(old.headers().firstValue("Cache-Control").orElseThrow()).doesNotContain("immutable")
                    .doesNotContain("31536000");
        }
    }

    @Test
    void theFixedSetIsTheWholeStaticFolder() throws IOException, URISyntaxException {
        Path folder = Path.of(StaticAssets.class.getResource("/static").toURI());
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(StaticAssets.names()).containsExactlyInAnyOrderElementsOf(
                    files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
