package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.testing.TestApp;

/**
 * The History page in real Chromium at phone size, for a wearer in Europe/Berlin with eleven days of readings
 * around the latest daylight-saving change, uploaded through the API: one day has a three-hour gap, a Low and a
 * High reading, a high stretch and a note. The day view draws the gap as a gap and Low/High as markers; the
 * previous/next links and the week view move through the days; a "sensor error" note added on the page leaves its
 * readings out of the time in range while it excludes them, and only then (PR-62). Screenshots go to
 * {@code target/screenshots/history-*.png}.
 */
class HistoryInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    static final String EMAIL = "history@example.org";

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();
    static UUID id;
    /** The local day of the latest DST change at least six days ago: its day has 23 or 25 hours. */
    static LocalDate dstDay;
    /** The day after it: the gap, the Low and High readings, the high stretch and a note. */
    static LocalDate eventDay;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SHOTS);
        id = app.app().accounts().createVerified(EMAIL, TestApp.PASSWORD, ZONE.getId(), Language.EN, TestApp.ADULT_BIRTH_DATE);
        app.app().consents().record(id, Consents.Purpose.HEALTH_DATA, true, "test");
        String token = app.app().apiTokens().create(id, "uploader", EnumSet.allOf(Scope.class));
        Instant change = ZONE.getRules().previousTransition(Instant.now().minus(Duration.ofDays(6))).getInstant();
        dstDay = change.atZone(ZONE).toLocalDate();
        eventDay = dstDay.plusDays(1);
        upload(token);
    }

    /**
     * Every five minutes from {@code dstDay - 5} to the end of {@code dstDay + 5}, between 90 and 150 mg/dL, except
     * on {@code eventDay}: nothing from 10:00 to 13:00, a Low at 03:00, 230 mg/dL from 14:00 to 15:55, a High at
     * 17:00. That day holds 288 - 36 = 252 readings, 226 of them in range (90 %).
     */
    private static void upload(String token) throws Exception {
        Instant start = dstDay.minusDays(5).atStartOfDay(ZONE).toInstant();
        Instant end = dstDay.plusDays(6).atStartOfDay(ZONE).toInstant();
        StringBuilder body = new StringBuilder("[");
        for (Instant t = start; t.isBefore(end); t = t.plusSeconds(300)) {
            ZonedDateTime local = t.atZone(ZONE);
            LocalTime time = local.toLocalTime();
            String glucose = "\"mgdl\":" + (120 + (int) Math.round(30 * Math.sin(t.getEpochSecond() / 7200.0)));
            if (local.toLocalDate().equals(eventDay)) {
                if (!time.isBefore(LocalTime.of(10, 0)) && time.isBefore(LocalTime.of(13, 0))) {
                    continue;
                }
                if (time.equals(LocalTime.of(3, 0))) {
                    glucose = "\"marker\":\"low\"";
                } else if (time.equals(LocalTime.of(17, 0))) {
                    glucose = "\"marker\":\"high\"";
                } else if (!time.isBefore(LocalTime.of(14, 0)) && time.isBefore(LocalTime.of(16, 0))) {
                    glucose = "\"mgdl\":230";
                }
            }
            body.append(body.length() > 1 ? "," : "").append("{\"time\":\"").append(local.toOffsetDateTime())
                    .append("\",").append(glucose).append('}');
        }
        body.append(']');
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/readings"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejected\":0");
        // A note from an app: an evening run, counted in statistics.
        ZonedDateTime run = eventDay.atTime(18, 0).atZone(ZONE);
        HttpResponse<String> note = http.send(HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/annotations"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"start\":\"" + run.toOffsetDateTime() + "\",\"end\":\""
                        + run.plusHours(1).toOffsetDateTime() + "\",\"kind\":\"exercise\",\"note\":\"evening run\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(note.statusCode()).as(note.body()).isEqualTo(201);
    }

    private static Locator day(Page page, LocalDate date) {
        return page.locator("[data-testid=day-" + date + "]");
    }

    private static void assertFitsThePhone(Page page) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
    }

    @Tag("PR-62")
    @Test
    void dayAndWeekViewsShowGapsMarkersAndNotesAndASensorErrorLeavesTimeInRange() throws Exception {
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            Browser.logIn(page, app.url(), EMAIL);

            // History opens on today; pick the day with the events through the date form.
            page.click("nav >> text=History");
            assertThat(page).hasURL(app.url() + "/history");
            page.fill("input[name=date]", eventDay.toString());
            page.click("form.inline-form button");
            assertThat(page).hasURL(Pattern.compile("date=" + eventDay));
            Locator event = day(page, eventDay);
            assertThat(event.locator("h1")).hasText(eventDay.toString());
            assertThat(event.locator("svg.chart")).isVisible();
            assertThat(event.locator("svg.chart")).hasAttribute("aria-label", "Glucose on " + eventDay);
            // The three hours without data stay a gap: the trace is two separate lines, not one joined across it.
            String trace = event.locator("svg.chart path.trace").getAttribute("d");
            assertThat(trace.chars().filter(c -> c == 'M').count()).as(trace).isEqualTo(2);
            // Low and High are drawn as markers at the sensor's limits, not as ordinary dots.
            assertThat(event.locator("svg.chart path.marker.vlow")).hasCount(1);
            assertThat(event.locator("svg.chart path.marker.vhigh")).hasCount(1);
            assertThat(event.locator("svg.chart circle:not(.current)")).hasCount(252 - 2);
            assertThat(event.locator("[data-testid=in-range]")).hasText("In range: 90 % of 252 readings");
            // The note from the app is listed and drawn as a band.
            Locator notes = page.locator("[data-testid=annotations] li");
            assertThat(notes).hasCount(1);
            assertThat(notes.first()).containsText("Exercise");
            assertThat(notes.first()).containsText("18:00–19:00");
            assertThat(notes.first()).containsText("evening run");
            assertThat(event.locator("svg.chart rect.annotation")).hasCount(1);
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("history-day.png")).setFullPage(true));

            // The day before is the DST change: 23 or 25 hours, drawn without a false gap.
            long hours = Duration.between(dstDay.atStartOfDay(ZONE), dstDay.plusDays(1).atStartOfDay(ZONE)).toHours();
            page.click("[data-testid=previous]");
            assertThat(page).hasURL(app.url() + "/history?date=" + dstDay);
            assertThat(day(page, dstDay).locator("[data-testid=dst]"))
                    .hasText("This day had " + hours + " hours (daylight saving time change).");
            String dstTrace = day(page, dstDay).locator("svg.chart path.trace").getAttribute("d");
            assertThat(dstTrace.chars().filter(c -> c == 'M').count()).isEqualTo(1);
            assertThat(day(page, dstDay).locator("[data-testid=in-range]"))
                    .hasText("In range: 100 % of " + hours * 12 + " readings");
            assertThat(page.locator("[data-testid=annotations]")).hasCount(0);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("history-dst-day.png")).setFullPage(true));
            page.click("[data-testid=next]");
            assertThat(page).hasURL(app.url() + "/history?date=" + eventDay);
            page.click("[data-testid=next]");
            assertThat(page).hasURL(app.url() + "/history?date=" + eventDay.plusDays(1));
            assertThat(day(page, eventDay.plusDays(1)).locator("[data-testid=in-range]"))
                    .hasText("In range: 100 % of 288 readings");

            // The week view: seven small charts, the last day being the one asked for.
            LocalDate weekEnd = dstDay.plusDays(3);
            page.fill("input[name=date]", weekEnd.toString());
            page.selectOption("select[name=view]", "week");
            page.click("form.inline-form button");
            assertThat(page).hasURL(Pattern.compile("date=" + weekEnd + "&view=week"));
            assertThat(page.locator(".week-grid figure")).hasCount(7);
            assertThat(page.locator(".week-grid figure svg.chart")).hasCount(7);
            for (int i = 0; i < 7; i++) {
                assertThat(day(page, weekEnd.minusDays(6 - i)).locator("svg.chart")).isVisible();
            }
            assertThat(day(page, eventDay).locator("[data-testid=in-range]"))
                    .containsText("In range: 90 % of 252 readings");
            assertThat(day(page, eventDay).locator("svg.chart path.marker")).hasCount(2);
            assertThat(page.locator("h1")).hasText(weekEnd.minusDays(6) + " to " + weekEnd);
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("history-week.png")).setFullPage(true));
            page.click("[data-testid=previous]");
            assertThat(page).hasURL(app.url() + "/history?date=" + weekEnd.minusDays(7) + "&view=week");
            assertThat(page.locator(".week-grid figure svg.chart")).hasCount(7);
            // A small chart's date opens that day.
            page.click("[data-testid=day-" + weekEnd.minusDays(7) + "] figcaption a");
            assertThat(page).hasURL(app.url() + "/history?date=" + weekEnd.minusDays(7));

            // Mark the high stretch as a sensor error on the page, first without leaving it out of statistics.
            page.navigate(app.url() + "/history?date=" + eventDay);
            page.fill("input[name=start]", eventDay + "T14:00");
            page.fill("input[name=end]", eventDay + "T16:00");
            page.selectOption("select[name=kind]", "sensor-error");
            page.fill("input[name=note]", "sensor error");
            page.click("[data-testid=annotate] button.primary");
            assertThat(page).hasURL(app.url() + "/history?date=" + eventDay);
            Locator sensorError = notes.filter(new Locator.FilterOptions().setHasText("sensor error"));
            assertThat(notes).hasCount(2);
            assertThat(sensorError).containsText("Sensor error");
            assertThat(sensorError).containsText("14:00–16:00");
            assertThat(sensorError.locator(".tag")).not().hasClass(Pattern.compile("excluding"));
            assertThat(event.locator("[data-testid=in-range]")).hasText("In range: 90 % of 252 readings");

            // Leave it out: its 25 readings (14:00 to 16:00 inclusive) stay on the chart, hollow, and no longer
            // count; the 24 high ones were all out of range, so the time in range rises.
            sensorError.locator("text=Leave out of statistics").click();
            assertThat(event.locator("[data-testid=in-range]")).hasText("In range: 99 % of 227 readings");
            assertThat(sensorError.locator(".tag")).hasClass(Pattern.compile("excluding"));
            assertThat(event.locator("svg.chart circle.excluded")).hasCount(25);
            assertThat(event.locator("svg.chart rect.annotation.excluding")).hasCount(1);
            assertThat(event.locator("svg.chart circle:not(.current)")).hasCount(252 - 2);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("history-excluded.png")).setFullPage(true));
            // The API export still has every reading, flagged.
            String token = app.app().apiTokens().create(id, "check", EnumSet.of(Scope.READINGS_READ));
            String export = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.url()
                            + "/api/v1/readings?from=" + eventDay.atStartOfDay(ZONE).toInstant() + "&to="
                            + eventDay.plusDays(1).atStartOfDay(ZONE).toInstant()))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/csv").build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(export.lines().skip(1)).hasSize(252);
            assertThat(export.lines().filter(l -> l.endsWith(",true"))).hasSize(25);

            // Count it again, then delete it.
            sensorError.locator("text=Count in statistics again").click();
            assertThat(event.locator("[data-testid=in-range]")).hasText("In range: 90 % of 252 readings");
            assertThat(sensorError.locator(".tag")).not().hasClass(Pattern.compile("excluding"));
            assertThat(event.locator("svg.chart circle.excluded")).hasCount(0);
            sensorError.locator("text=Delete").click();
            assertThat(notes).hasCount(1);
            assertThat(sensorError).hasCount(0);
            assertThat(notes.first()).containsText("evening run");
            assertThat(event.locator("[data-testid=in-range]")).hasText("In range: 90 % of 252 readings");
            assertFitsThePhone(page);

            // Simplified Chinese.
            page.click("footer >> text=简体中文");
            assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");
            assertThat(page).hasURL(Pattern.compile("date=" + eventDay));
            assertThat(event.locator("[data-testid=in-range]")).hasText("目标范围内：90%（共 252 个读数）");
            assertThat(page.locator("h2").filter(new Locator.FilterOptions().setHasText("当天的备注"))).isVisible();
            assertThat(notes.first()).containsText("运动");
            assertThat(page.locator("[data-testid=previous]")).containsText("前一天");
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("history-day-zh.png")).setFullPage(true));
        }
    }
}
