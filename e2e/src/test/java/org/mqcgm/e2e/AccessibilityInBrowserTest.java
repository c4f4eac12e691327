package org.mqcgm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.TestApp;

/**
 * Every page of the app, found in the server's route table (so a new page is checked without anyone remembering to
 * add it), is opened in Chromium at 360 CSS pixels by the kind of person who sees it — the wearer with two weeks of
 * readings, logbook entries, a follower, a clinician link and a support ticket; the follower; a moderator; a support
 * agent; a visitor — and checked
 * with axe-core (the accessibility engine, {@code e2e/package.json}, installed by {@code scripts/install-system-deps}):
 * no serious or critical violation of WCAG 2.1 A and AA rules, in English and in Simplified Chinese.
 */
class AccessibilityInBrowserTest {

    static final Path AXE = Path.of("node_modules", "axe-core", "axe.min.js");
    static final ObjectMapper JSON = new ObjectMapper();
    /** Paths that are not pages a person reads (machine endpoints, files, probes). */
    static final Pattern NOT_A_PAGE = Pattern.compile("^/(api/|static/|healthz|readyz|metrics|openapi|sw\\.js|"
            + "manifest|favicon|icons/).*|.*\\.(pdf|csv|json|png|jpg|webp|svg|js|css|txt|xml)$|.*/photos/.*|.*/attachments/.*");

    /** The pages also checked in Simplified Chinese. */
    static final List<String> CHINESE = List.of("/today", "/history", "/reports", "/logbook", "/settings", "/login",
            "/signup", "/community", "/alerts", "/help", "/support");

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static UUID wearer;
    static String wearerToken;
    static final Map<String, String> values = new LinkedHashMap<>();

    @BeforeAll
    static void data() throws Exception {
        wearer = app.newUser("wearer@example.org");
        for (Purpose p : List.of(Purpose.SHARING, Purpose.COMMUNITY)) {
            app.app().consents().record(wearer, p, true, "test");
        }
        wearerToken = app.app().apiTokens().create(wearer, "setup", EnumSet.allOf(Scope.class));
        StringBuilder readings = new StringBuilder("[");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        for (Instant t = now.minus(Duration.ofDays(14)); !t.isAfter(now); t = t.plus(Duration.ofMinutes(15))) {
            long mgdl = Math.round(140 + 90 * Math.sin(2 * Math.PI * t.getEpochSecond() / 86_400.0));
            readings.append(readings.length() > 1 ? "," : "").append("{\"time\":\"").append(t)
                    .append("\",\"mgdl\":").append(mgdl).append('}');
        }
        post(wearerToken, "/api/v1/readings", readings.append(']').toString(), 200);
        values.put("/logbook/{id}", json(post(wearerToken, "/api/v1/checkins", "{\"time\":\""
                + now.minus(Duration.ofHours(2)) + "\",\"kind\":\"meal\",\"carbs\":45,\"note\":\"noodles\"}", 201))
                .path("id").asText());
        post(wearerToken, "/api/v1/checkins", "{\"time\":\"" + now.minus(Duration.ofHours(1))
                + "\",\"kind\":\"insulin\",\"units\":4,\"insulinType\":\"rapid\"}", 201);
        values.put("/community/posts/{id}", json(post(wearerToken, "/api/v1/posts",
                "{\"text\":\"two weeks in range\",\"visibility\":\"public\"}", 201)).path("id").asText());
        JsonNode link = json(post(wearerToken, "/api/v1/shares/links", "{\"label\":\"Dr Wang\",\"from\":\""
                + LocalDate.now().minusDays(13) + "\",\"to\":\"" + LocalDate.now() + "\"}", 201));
        values.put("{token}", link.path("url").asText().replaceFirst(".*/c/", ""));
        values.put("/settings/sharing/links/{id}", link.path("id").asText());

        UUID follower = app.newUser("follower@example.org");
        String followerToken = app.app().apiTokens().create(follower, "setup", EnumSet.allOf(Scope.class));
        String invitation = json(post(wearerToken, "/api/v1/shares", "{\"scopes\":[\"glucose\",\"history\","
                + "\"logbook\"]}", 201)).path("invitation").asText();
        post(followerToken, "/api/v1/following", "{\"invitation\":\"" + invitation + "\"}", 201);
        // A second invitation, open, for the page that shows an invitation.
        values.put("{code}", json(post(wearerToken, "/api/v1/shares", "{\"scopes\":[\"glucose\"]}", 201))
                .path("invitation").asText());
        values.put("{person}", wearer.toString());

        // A support ticket of the wearer, for its page and the agent's.
        String ticket = json(post(wearerToken, "/api/v1/support/tickets",
                "{\"subject\":\"Sensor keeps disconnecting\",\"message\":\"Since Monday.\"}", 201))
                .path("id").asText();
        values.put("/support/queue/{id}", ticket);
        values.put("/support/{id}", ticket);
        UUID agent = app.newUser("agent@example.org");
        app.app().accounts().grantRole(agent, Role.SUPPORT);

        UUID moderator = app.newUser("moderator@example.org");
        app.app().accounts().grantRole(moderator, Role.MODERATOR);
        values.put("{number}", "1");
        values.put("{link}", "not-a-live-link"); // the page that says a reset link is not valid
        values.put("/sensors/{id}", json(post(wearerToken, "/api/v1/sensors",
                "{\"model\":\"Simulated CGM\",\"serial\":\"SIM-1\"}", 201)).path("id").asText());
        values.put("/calibrations/{id}", json(post(wearerToken, "/api/v1/calibrations", "{\"time\":\""
                + now.minus(Duration.ofMinutes(30)) + "\",\"mgdl\":120}", 201)).path("id").asText());
        // A file import's preview page: a small Nightscout entries file, uploaded as a form would
        String boundary = "mqcgm-a11y-boundary";
        String file = "[{\"type\":\"sgv\",\"sgv\":123,\"date\":" + now.minus(Duration.ofDays(30)).toEpochMilli()
                + ",\"device\":\"xDrip-DexcomG6\"}]";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"entries.json\""
                + "\r\nContent-Type: application/json\r\n\r\n" + file + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> imported = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(app.url() + "/api/v1/imports")).header("Authorization", "Bearer " + wearerToken)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        values.put("/import/{id}", json(imported).path("id").asText());
        // A request to the rights desk, for its page
        values.put("/requests/{id}", json(post(wearerToken, "/api/v1/me/requests",
                "{\"kind\":\"ENQUIRY\",\"text\":\"Which data do you keep about my sensor?\"}", 201))
                .path("id").asText());
        // No guardianship here: a guardian's pages of an unknown invitation and child answer their error page
        values.put("{invitation}", "00000000-0000-4000-8000-000000000077");
        values.put("{child}", "00000000-0000-4000-8000-000000000078");
    }

    static HttpResponse<String> post(String token, String path, String body, int expected) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.url() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(expected);
        return r;
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** The route's path with its parameters filled from the data above; fails for a parameter nobody filled. */
    static String concrete(String path) {
        String out = path;
        for (Map.Entry<String, String> v : values.entrySet()) {
            String key = v.getKey();
            if (key.startsWith("/")) {
                out = out.replace(key, key.replace("{id}", v.getValue()));
            } else {
                out = out.replace(key, v.getValue());
            }
        }
        assertThat(out).as("give the page " + path + " real values for its parameters in "
                + "AccessibilityInBrowserTest.data()").doesNotContain("{");
        return out;
    }

    /** Who opens a page: the wearer, the follower (someone else's pages), a moderator, or a visitor. */
    enum Viewer {
        WEARER("wearer@example.org"), FOLLOWER("follower@example.org"), MODERATOR("moderator@example.org"),
        AGENT("agent@example.org"), VISITOR(null);

        final String login;

        Viewer(String login) {
            this.login = login;
        }
    }

    static Viewer viewer(Routes.Route route) {
        return switch (route.access()) {
            case Access.Page p -> Viewer.WEARER;
            case Access.Shared s -> Viewer.FOLLOWER;
            case Access.Moderator m -> Viewer.MODERATOR;
            case Access.Support a -> Viewer.AGENT;
            case Access.Public p -> Viewer.VISITOR;
            case Access.Link l -> Viewer.VISITOR;
            default -> null; // administrators' routes are APIs
        };
    }

    static void logIn(Page page, String login) {
        page.navigate(app.url() + "/login");
        page.fill("input[name=identifier]", login);
        page.fill("input[name=password]", TestApp.PASSWORD);
        page.click("button.primary");
        page.waitForURL(url -> !url.contains("/login"));
    }

    @Test
    void everyPageHasNoSeriousOrCriticalViolationAtPhoneSizeInEnglishAndChinese() throws Exception {
        assertThat(AXE).as("axe-core is installed by scripts/install-system-deps (npm ci in e2e/)").exists();
        String axe = Files.readString(AXE);
        Map<Viewer, List<String>> pages = new LinkedHashMap<>();
        for (Routes.Route route : app.app().routes()) {
            if (route.method() != HandlerType.GET || NOT_A_PAGE.matcher(route.path()).matches()) {
                continue;
            }
            Viewer v = viewer(route);
            if (v != null) {
                pages.computeIfAbsent(v, k -> new ArrayList<>()).add(concrete(route.path()));
            }
        }
        assertThat(pages.get(Viewer.WEARER)).as("the wearer's pages").contains("/today", "/history", "/reports",
                "/logbook", "/settings");
        Map<String, List<String>> violations = new TreeMap<>();
        List<String> checked = new ArrayList<>();
        for (String locale : List.of("en-US", "zh-CN")) {
            for (Map.Entry<Viewer, List<String>> group : pages.entrySet()) {
                // Every page in English; in Chinese (the same markup with other words) the pages used most.
                List<String> paths = locale.equals("en-US") ? group.getValue() : group.getValue().stream()
                        .filter(CHINESE::contains).toList();
                if (paths.isEmpty()) {
                    continue;
                }
                try (BrowserContext context = browser.phone(locale)) {
                    // Injected into every document before its own scripts (and outside its Content-Security-Policy).
                    context.addInitScript(axe);
                    Page page = context.newPage();
                    if (group.getKey().login != null) {
                        logIn(page, group.getKey().login);
                    }
                    for (String path : paths) {
                        // The wearer's own log-out and the like are not pages to stay on: skip where we are sent
                        // elsewhere than an HTML page.
                        Response r = page.navigate(app.url() + path);
                        if (r == null || !r.headerValue("content-type").startsWith("text/html")) {
                            continue;
                        }
                        checked.add(locale + " " + path);
                        for (String v : serious(page)) {
                            violations.computeIfAbsent(locale + " " + group.getKey() + " " + path,
                                    k -> new ArrayList<>()).add(v);
                        }
                    }
                }
            }
        }
        assertThat(checked).as("pages checked").hasSizeGreaterThan(40)
                .contains("en-US /today", "zh-CN /today", "zh-CN /login", "en-US /login", "en-US /c/" + values.get("{token}"),
                        "en-US /people/" + wearer + "/today", "en-US /moderation", "en-US /alerts", "en-US /help",
                        "en-US /support/queue", "en-US /settings/notifications");
        assertThat(violations).as("serious or critical accessibility violations (axe-core)").isEmpty();
    }

    /** The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page: rule, impact, elements. */
    @SuppressWarnings("unchecked")
    static List<String> serious(Page page) {
        List<Map<String, Object>> found = (List<Map<String, Object>>) page.evaluate("""
                async () => {
                  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',
                      'wcag21aa']}, resultTypes: ['violations']});
                  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                      .map(v => ({id: v.id, impact: v.impact, help: v.help,
                                  nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary)}));
                }""");
        List<String> out = new ArrayList<>();
        for (Map<String, Object> v : found) {
            out.add(v.get("id") + " (" + v.get("impact") + "): " + v.get("help") + " " + v.get("nodes"));
        }
        return out;
    }
}
