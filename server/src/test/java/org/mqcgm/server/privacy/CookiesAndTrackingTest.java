package org.mqcgm.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.HandlerType;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;
import org.mqcgm.server.platform.web.SiteCookie;
import org.mqcgm.server.testing.TestApp;

/**
 * Cookies, tracking and Do Not Track (PR-36, PR-37, PR-40) on a deployment served over HTTPS: every page the server
 * has, opened signed out and signed in, sets only cookies of the registry, each Secure, HttpOnly and with its
 * declared flags; no page loads anything from another origin; the inventory page is generated from the registry;
 * nothing but {@code Cookies} sets a cookie; DNT and GPC are remembered for a signed-in account.
 */
class CookiesAndTrackingTest {

    static final String PUBLIC_URL = "https://mqcgm.example";

    @RegisterExtension
    static final TestApp app = TestApp.perClassWithPublicUrl(PUBLIC_URL);

    /** A browser's cookie handling, kept by hand so that Secure cookies are sent back over the test's plain http. */
    static final class Browser {
        final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        final Map<String, String> jar = new LinkedHashMap<>();
        final List<String> setCookies = new ArrayList<>();
        final String[] extra;

        Browser(String... extraHeaders) {
            this.extra = extraHeaders;
        }

        HttpResponse<String> get(String path) {
            return send(HttpRequest.newBuilder(URI.create(app.url() + path)).GET().header("Accept", "text/html"));
        }

        HttpResponse<String> postForm(String path, Map<String, String> fields) {
            Map<String, String> all = new LinkedHashMap<>(fields);
            all.putIfAbsent("_csrf", csrf());
            String body = all.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
            return send(HttpRequest.newBuilder(URI.create(app.url() + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        String csrf() {
            Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(get("/login").body());
            assertThat(m.find()).isTrue();
            return m.group(1);
        }

        HttpResponse<String> send(HttpRequest.Builder b) {
            b.timeout(Duration.ofSeconds(10));
            if (extra.length > 0) {
                b.headers(extra);
            }
            if (!jar.isEmpty()) {
                b.header("Cookie", jar.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("; ")));
            }
            try {
                HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                for (String sc : r.headers().allValues("Set-Cookie")) {
                    setCookies.add(sc);
                    String pair = sc.split(";", 2)[0];
                    String name = pair.substring(0, pair.indexOf('=')).trim();
                    String value = pair.substring(pair.indexOf('=') + 1);
                    if (sc.toLowerCase(Locale.ROOT).contains("max-age=0")) {
                        jar.remove(name);
                    } else {
                        jar.put(name, value);
                    }
                }
                return r;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void login(String identifier) {
            HttpResponse<String> r = postForm("/login", Map.of("identifier", identifier, "password",
                    TestApp.PASSWORD));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
            assertThat(jar).containsKey("__Host-SESSION");
        }
    }

    /** Every page of the server: the GET routes for browsers without a path parameter (no API, no streams). */
    static List<String> pages() {
        return app.app().routes().stream()
                .filter(r -> r.method() == HandlerType.GET && !r.path().contains("{")
                        && (r.access() == Access.PUBLIC || r.access().getClass().getSimpleName().equals("Page"))
                        && !r.path().startsWith("/api/") && !r.path().startsWith("/static")
                        && !r.path().contains("stream") && !r.path().endsWith(".js") && !r.path().endsWith(".pdf"))
                .map(Routes.Route::path).distinct().sorted().toList();
    }

    static final Pattern EXTERNAL = Pattern.compile(
            "(?i)<(?:script|img|iframe|link|source|video|audio|embed|object)\\b[^>]*\\b(?:src|href|data)=\"((?:https?:)?//[^\"]+)\"");

    /** Opens every page, asserts what each answer says about cookies and third parties. */
    static void crawl(Browser browser, Set<String> seenNames) {
        for (String page : pages()) {
            HttpResponse<String> r = browser.get(page);
            assertThat(r.statusCode()).as(page).isLessThan(500);
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("text/html")) {
                Matcher m = EXTERNAL.matcher(r.body());
                List<String> external = new ArrayList<>();
                while (m.find()) {
                    external.add(m.group(1));
                }
                assertThat(external).as("resources from other origins on " + page).isEmpty();
                assertThat(r.body()).as(page).doesNotContainIgnoringCase("<script>")
                        .doesNotContainIgnoringCase("<noscript><img");
                String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
                assertThat(csp).as(page).contains("default-src 'self'");
            }
        }
        for (String sc : browser.setCookies) {
            String name = sc.substring(0, sc.indexOf('='));
            seenNames.add(name);
            SiteCookie declared = SiteCookie.byName(name).orElse(null);
            assertThat(declared).as("cookie " + name + " is in the inventory").isNotNull();
            String lower = sc.toLowerCase(Locale.ROOT);
            assertThat(lower).as(sc).contains("; secure").contains("samesite=" + declared.sameSite().name()
                    .toLowerCase(Locale.ROOT)).doesNotContain("domain=");
            if (declared.httpOnly()) {
                assertThat(lower).as(sc).contains("; httponly");
            }
            assertThat(name).isEqualTo(declared.name(true));
        }
    }

    @Test
    @Tag("PR-36")
    void everyPageSignedOutAndInSetsOnlyInventoryCookiesAllSecureAndLoadsNothingFromAnotherOrigin() {
        assertThat(pages()).contains("/", "/login", "/privacy", "/privacy/cookies", "/today", "/settings",
                "/settings/privacy").hasSizeGreaterThan(20);
        Set<String> names = new TreeSet<>();
        Browser visitor = new Browser();
        crawl(visitor, names);
        // The language buttons: the one preference cookie, set because the visitor asked for it.
        assertThat(visitor.postForm("/preferences", Map.of("lang", "zh-CN", "return", "/")).statusCode())
                .isEqualTo(303);
        assertThat(visitor.jar).containsKey("ui_prefs");

        app.newUser("crawl@example.org");
        Browser member = new Browser();
        member.login("crawl@example.org");
        crawl(member, names);
        member.postForm("/preferences", Map.of("unit", "mmol/L", "return", "/today"));
        crawl(member, names);
        assertThat(names).contains("__Host-SESSION", "__Host-XSRF-TOKEN", "ui_prefs");
    }

    @Test
    @Tag("PR-36")
    void theInventoryPageIsGeneratedFromTheRegistryInEnglishAndChineseAndLinkedFromEveryPage() {
        for (Language language : List.of(Language.EN, Language.ZH_CN)) {
            Messages msg = Messages.of(language);
            for (SiteCookie c : SiteCookie.values()) {
                assertThat(List.of(c.key() + ".purpose", c.key() + ".lifetime"))
                        .allSatisfy(k -> assertThat(msg.has(k)).as(language + " " + k).isTrue());
                // Only two kinds exist: strictly necessary, or a preference the visitor set.
                assertThat(c.kind()).isIn(SiteCookie.Kind.ESSENTIAL, SiteCookie.Kind.PREFERENCE);
                assertThat(c.httpOnly()).as(c + " is hidden from scripts").isTrue();
            }
        }
        Browser b = new Browser();
        String en = b.get("/privacy/cookies").body();
        for (SiteCookie c : SiteCookie.values()) {
            assertThat(en).contains("data-cookie=\"" + c.baseName() + "\"");
        }
        assertThat(en).contains("Strictly necessary").contains("Why there is no cookie banner")
                .contains("Do Not Track").doesNotContain("??");
        assertThat(b.get("/privacy").body()).contains("href=\"/privacy/cookies\"");
        assertThat(b.get("/login").body()).contains("href=\"/privacy/cookies\"");
        String zh = new Browser("Accept-Language", "zh-CN").get("/privacy/cookies").body();
        assertThat(zh).contains("严格必要").contains("为什么没有 Cookie 弹窗").doesNotContain("??");
        assertThat(new Browser("Sec-GPC", "1").get("/privacy/cookies").body()).contains("data-testid=\"signal\"")
                .contains("Global Privacy Control");
    }

    /**
     * No source sets a cookie by header or script (the architecture rule that only {@code Cookies} calls cookie
     * methods is {@code ServerArchitectureTest#onlyTheCookieRegistrySetsCookies}).
     */
    @Test
    @Tag("PR-36")
    void noSourceSetsACookieByHeaderOrScript() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (String root : List.of("src/main/java", "src/main/jte", "src/main/resources/static")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path f : files.filter(p -> p.toString().matches(".*\\.(java|jte|js|html|css)$")).toList()) {
                    String text = Files.readString(f, StandardCharsets.UTF_8);
                    if (text.contains("\"Set-Cookie\"") || text.matches("(?s).*document\\.cookie\\s*=.*")
                            || text.contains("cookieStore.set")) {
                        offenders.add(f.toString());
                    }
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    static List<String> trackingEvents(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery("select granted || ':' || channel from consent_event"
                        + " where owner_id = :o and purpose = 'tracking' order by at, id").bind("o", owner)
                .mapTo(String.class).list());
    }

    @Test
    @Tag("PR-40")
    void doNotTrackAndGlobalPrivacyControlSetNoOptionalCookieAndAreRememberedForTheAccount() {
        // Signed out, with either signal: only the strictly necessary cookies, on every page.
        for (String[] signal : List.of(new String[] {"DNT", "1"}, new String[] {"Sec-GPC", "1"})) {
            Browser b = new Browser(signal);
            crawl(b, new TreeSet<>());
            assertThat(b.setCookies).allSatisfy(sc -> assertThat(SiteCookie.byName(sc.substring(0, sc.indexOf('=')))
                    .orElseThrow().kind()).isEqualTo(SiteCookie.Kind.ESSENTIAL));
        }

        // Signed in: "Do not track" is on by default, before any signal.
        UUID owner = app.newUser("dnt@example.org");
        Browser plain = new Browser();
        plain.login("dnt@example.org");
        String centre = plain.get("/settings/privacy").body();
        assertThat(centre).contains("data-testid=\"do-not-track\"").contains("aria-checked=\"true\"");
        assertThat(trackingEvents(owner)).isEmpty();

        // The person turns it off; then a browser with DNT signs in: 50 pages add one opt-out, from the signal.
        assertThat(plain.postForm("/settings/privacy", Map.of("purpose", "tracking", "granted", "yes"))
                .statusCode()).isEqualTo(303);
        assertThat(app.app().consents().granted(owner, Purpose.TRACKING)).isTrue();
        Browser dnt = new Browser("DNT", "1");
        dnt.login("dnt@example.org");
        for (int i = 0; i < 50; i++) {
            assertThat(dnt.get(i % 2 == 0 ? "/today" : "/settings").statusCode()).isEqualTo(200);
        }
        assertThat(trackingEvents(owner)).containsExactly("true:web", "false:dnt");
        assertThat(app.app().consents().granted(owner, Purpose.TRACKING)).isFalse();
        // Sticky: the browser without the signal sees it on, and why.
        String after = plain.get("/settings/privacy").body();
        assertThat(after).contains("data-testid=\"dnt-by-signal\"").contains("aria-checked=\"true\"");

        // Global Privacy Control the same, for another account that never chose.
        UUID other = app.newUser("gpc@example.org");
        Browser gpc = new Browser("Sec-GPC", "1");
        gpc.login("gpc@example.org");
        gpc.get("/today");
        gpc.get("/settings");
        assertThat(trackingEvents(other)).containsExactly("false:gpc");
    }

    @Test
    @Tag("PR-37")
    void withoutCookiesPublicPagesUseDefaultsAndSigningInSaysCookiesAreNeededNeverAUrlSession() throws Exception {
        app.newUser("no-cookies@example.org");
        // A browser that keeps no cookie: the pages load with the defaults (browser language, mg/dL).
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create(app.url() + "/login"))
                .header("Accept-Language", "zh-CN,zh;q=0.9").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("lang=\"zh-CN\"").contains("data-cookies-blocked hidden");
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(login.body());
        assertThat(csrf.find()).isTrue();
        // Signing in without sending the cookie back: a clear message, no session, nothing in the address.
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(app.url() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(csrf.group(1),
                        StandardCharsets.UTF_8) + "&identifier=no-cookies%40example.org&password="
                        + URLEncoder.encode(TestApp.PASSWORD, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("data-testid=\"cookies-blocked\"").contains("href=\"/privacy/cookies\"");
        assertThat(refused.headers().allValues("Set-Cookie")).noneMatch(c -> c.contains("SESSION="));
        assertThat(refused.headers().firstValue("Location")).isEmpty();
        // No page ever links with a session or token in its address.
        for (String page : List.of("/", "/login", "/signup", "/privacy")) {
            assertThat(client.send(HttpRequest.newBuilder(URI.create(app.url() + page)).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).doesNotContainPattern("(?i)[?;&](jsessionid|session|sid)=");
        }
    }
}
