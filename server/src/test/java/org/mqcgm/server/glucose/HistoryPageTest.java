package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/** The History page over HTTP: local days across both DST changes, the week view, annotations from the form. */
class HistoryPageTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @RegisterExtension
    static final TestApp app = TestApp.perClass(new MutableClock(Instant.parse("2026-11-10T12:00:00Z")));

    static Http http;
    static UUID owner;

    @BeforeAll
    static void start() {
        owner = app.newUser("history@example.org"); // Europe/Berlin
        List<Reading> all = new ArrayList<>();
        for (LocalDate d : List.of(LocalDate.of(2026, 3, 29), LocalDate.of(2026, 10, 25))) {
            Instant from = d.minusDays(3).atStartOfDay(BERLIN).toInstant();
            Instant to = d.plusDays(4).atStartOfDay(BERLIN).toInstant();
            for (Instant t = from; t.isBefore(to); t = t.plus(Duration.ofMinutes(5))) {
                // In range except 20:00–22:00 local, when it is 250.
                int hour = t.atZone(BERLIN).getHour();
                all.add(new Reading(t, BERLIN.getRules().getOffset(t), hour >= 20 && hour < 22 ? 250 : 120));
            }
        }
        app.app().readings().store(owner, all);
        http = new Http(app.url());
        assertThat(http.postForm("/login", Map.of("identifier", "history@example.org", "password", TestApp.PASSWORD))
                .statusCode()).isEqualTo(303);
    }

    @Test
    void theDaysOfTheClockChangesHaveTwentyThreeAndTwentyFiveHours() {
        String spring = http.get("/history?date=2026-03-29").body();
        assertThat(spring).contains("This day had 23 hours").contains("of 276 readings");
        String autumn = http.get("/history?date=2026-10-25").body();
        assertThat(autumn).contains("This day had 25 hours").contains("of 300 readings");
        String ordinary = http.get("/history?date=2026-10-27").body();
        assertThat(ordinary).doesNotContain("data-testid=\"dst\"").contains("of 288 readings")
                // 2 of 24 hours above range.
                .contains("In range: 92 % of 288 readings");
    }

    @Test
    void theWeekViewShowsSevenDaysAndLinksToEach() {
        String week = http.get("/history?date=2026-10-28&view=week").body();
        Matcher m = Pattern.compile("<figure data-testid=\"day-(\\d{4}-\\d{2}-\\d{2})\"").matcher(week);
        List<String> days = new ArrayList<>();
        while (m.find()) {
            days.add(m.group(1));
        }
        assertThat(days).containsExactly("2026-10-22", "2026-10-23", "2026-10-24", "2026-10-25", "2026-10-26",
                "2026-10-27", "2026-10-28");
        assertThat(week).contains("href=\"/history?date=2026-10-21&amp;view=week\"")
                .contains("href=\"/history?date=2026-10-25\"");
        // Days after today do not exist yet.
        assertThat(http.get("/history?date=2026-11-11").statusCode()).isEqualTo(400);
        assertThat(http.get("/history?date=tomorrow").statusCode()).isEqualTo(400);
    }

    @Test
    @Tag("PR-62")
    void anAnnotationFromTheFormExcludesReadingsFromTheDaysFigures() {
        HttpResponse<String> added = http.postForm("/history/annotations", Map.of("date", "2026-10-26",
                "start", "2026-10-26T20:00", "end", "2026-10-26T21:59", "kind", "sensor-error", "note", "bad insertion",
                "exclude", "on"));
        assertThat(added.statusCode()).isEqualTo(303);
        assertThat(added.headers().firstValue("Location")).contains("/history?date=2026-10-26");
        String day = http.get("/history?date=2026-10-26").body();
        assertThat(day).contains("bad insertion").contains("In range: 100 % of 264 readings");
        String id = firstAnnotationId(day);
        assertThat(http.postForm("/history/annotations/" + id + "/include", Map.of("date", "2026-10-26"))
                .statusCode()).isEqualTo(303);
        assertThat(http.get("/history?date=2026-10-26").body()).contains("In range: 92 % of 288 readings");
        assertThat(http.postForm("/history/annotations/" + id + "/delete", Map.of("date", "2026-10-26"))
                .statusCode()).isEqualTo(303);
        assertThat(http.get("/history?date=2026-10-26").body()).doesNotContain("bad insertion");
        // A form with a bad field is named, not a server error.
        HttpResponse<String> bad = http.postForm("/history/annotations", Map.of("start", "yesterday",
                "end", "2026-10-26T21:59", "kind", "sensor-error"));
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    private static String firstAnnotationId(String page) {
        Matcher m = Pattern.compile("/history/annotations/([0-9a-f-]{36})/").matcher(page);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void theOffsetOfEachReadingIsKeptAcrossTheChange() {
        List<Reading> around = app.app().readings().store().range(owner, Instant.parse("2026-10-25T00:50:00Z"),
                Instant.parse("2026-10-25T01:10:00Z"));
        assertThat(around).extracting(Reading::offset).containsExactly(ZoneOffset.ofHours(2), ZoneOffset.ofHours(2),
                ZoneOffset.ofHours(1), ZoneOffset.ofHours(1));
    }
}
