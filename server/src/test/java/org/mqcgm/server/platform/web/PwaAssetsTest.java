package org.mqcgm.server.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** The installable web app: manifest and service worker at the root, public, checked on every use; icons real. */
class PwaAssetsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static Http http;

    @BeforeAll
    static void start() {
        http = new Http(app.url());
    }

    @Test
    void manifestIsPublicJsonWithInstallableFieldsAndRealIcons() throws Exception {
        // No session: served to anyone, like the login page that links it.
        HttpResponse<String> r = http.get("/manifest.webmanifest");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/manifest+json"));
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-cache");

        JsonNode m = new ObjectMapper().readTree(r.body());
        assertThat(m.path("name").asText()).isEqualTo("mqcgm");
        assertThat(m.path("short_name").asText()).isNotBlank();
        assertThat(m.path("start_url").asText()).isEqualTo("/today");
        assertThat(m.path("scope").asText()).isEqualTo("/");
        assertThat(m.path("display").asText()).isEqualTo("standalone");
        assertThat(m.path("theme_color").asText()).isEqualTo("#0f766e");
        assertThat(m.path("background_color").asText()).isEqualTo("#0f766e");

        List<String> found = new ArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        for (JsonNode icon : m.path("icons")) {
            String[] size = icon.path("sizes").asText().split("x");
            HttpResponse<byte[]> png = client.send(HttpRequest.newBuilder(URI.create(app.url() + icon.path("src").asText()))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(png.statusCode()).as(icon.toString()).isEqualTo(200);
            assertThat(png.headers().firstValue("Content-Type")).contains("image/png");
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
            assertThat(image).as(icon.toString()).isNotNull();
            assertThat(image.getWidth()).as(icon.toString()).isEqualTo(Integer.parseInt(size[0]));
            assertThat(image.getHeight()).as(icon.toString()).isEqualTo(Integer.parseInt(size[1]));
            found.add(icon.path("purpose").asText("any") + " " + icon.path("sizes").asText());
        }
        assertThat(found).contains("any 192x192", "any 512x512", "maskable 512x512");
    }

    @Test
    void serviceWorkerIsServedAtTheRootAsJavaScriptNeverCachedStale() {
        HttpResponse<String> r = http.get("/sw.js");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/javascript"));
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-cache");
        assertThat(r.body()).contains("addEventListener('fetch'");
        // The worker is loaded under the same policy as the pages: scripts from this origin only.
        assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");
    }

    @Test
    void pagesLinkTheManifestAndATouchIcon() {
        String html = http.get("/login").body();
        assertThat(html).contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">");
        assertThat(html).containsPattern("<link rel=\"apple-touch-icon\" href=\"/static/apple-touch-icon\\.[0-9a-f]{8}\\.png\">");
    }
}
