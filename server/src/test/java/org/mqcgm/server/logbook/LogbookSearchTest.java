package org.mqcgm.server.logbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.search.PersonalSearch;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/** Search in one's own logbook: English and Chinese, notes, medication names and kinds, never another's entries. */
class LogbookSearchTest {

    static final Instant NOW = Instant.parse("2026-11-10T12:00:00Z");

    @RegisterExtension
    static final TestApp app = TestApp.perClass(new MutableClock(NOW));

    static UUID owner;
    static UUID other;
    static PersonalSearch search;
    static String pizza;
    static String noodles;
    static String metformin;
    static String insulin;

    static String log(UUID who, String body) {
        String token = app.app().apiTokens().create(who, "t", EnumSet.of(Scope.LOGBOOK));
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/checkins", body, "Authorization",
                "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.body().replaceAll("^\\{\"id\":\"([^\"]+)\".*$", "$1");
    }

    @BeforeAll
    static void logSome() {
        owner = app.newUser("search-owner@example.org");
        other = app.newUser("search-other@example.org");
        pizza = log(owner, "{\"time\":\"2026-11-09T19:00:00+01:00\",\"kind\":\"meal\",\"carbs\":80,"
                + "\"note\":\"Pizza Margherita with friends, then a walk\"}");
        noodles = log(owner, "{\"time\":\"2026-11-10T12:30:00+08:00\",\"kind\":\"meal\",\"carbs\":70,"
                + "\"note\":\"午饭吃了牛肉面条，有点多\"}");
        metformin = log(owner, "{\"time\":\"2026-11-10T08:00:00+08:00\",\"kind\":\"medication\","
                + "\"medication\":\"Metformin\",\"dose\":\"500 mg\"}");
        insulin = log(owner, "{\"time\":\"2026-11-10T07:55:00+08:00\",\"kind\":\"insulin\",\"units\":6,"
                + "\"insulinType\":\"rapid\"}");
        log(other, "{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"note\",\"note\":\"pizza and 面条 too\"}");
        search = app.app().feature(LogbookFeature.class).search();
    }

    static List<String> ids(List<PersonalSearch.Hit> hits) {
        return hits.stream().map(h -> h.id().toString()).toList();
    }

    @Test
    void anEnglishWordMatchesNotesCaseInsensitivelyWithTheMatchMarked() {
        List<PersonalSearch.Hit> hits = search.search(owner, "PIZZA", null, null, 10);
        assertThat(ids(hits)).containsExactly(pizza);
        PersonalSearch.Hit hit = hits.get(0);
        assertThat(hit.type()).isEqualTo("checkin");
        assertThat(hit.snippet()).isEqualTo("[[Pizza]] Margherita with friends, then a walk");
        assertThat(hit.time()).isEqualTo(Instant.parse("2026-11-09T18:00:00Z"));
        assertThat(hit.rank()).isBetween(0.0, 1.0);
        assertThat(ids(search.search(owner, "pizza walk", null, null, 10))).containsExactly(pizza);
        assertThat(search.search(owner, "pizza sushi", null, null, 10)).isEmpty();
    }

    @Test
    void aChineseWordMatchesBySubstring() {
        List<PersonalSearch.Hit> hits = search.search(owner, "面条", null, null, 10);
        assertThat(ids(hits)).containsExactly(noodles);
        assertThat(hits.get(0).snippet()).isEqualTo("午饭吃了牛肉[[面条]]，有点多");
        assertThat(ids(search.search(owner, "牛肉", null, null, 10))).containsExactly(noodles);
        assertThat(search.search(owner, "米饭", null, null, 10)).isEmpty();
    }

    @Test
    void medicationNamesAndKindsInEitherLanguageAreFound() {
        assertThat(ids(search.search(owner, "metformin", null, null, 10))).containsExactly(metformin);
        assertThat(ids(search.search(owner, "insulin", null, null, 10))).containsExactly(insulin);
        assertThat(ids(search.search(owner, "胰岛素", null, null, 10))).containsExactly(insulin);
        assertThat(search.search(owner, "insulin", null, null, 10).get(0).snippet()).isEqualTo("[[insulin]]");
        assertThat(ids(search.search(owner, "meal", null, null, 10))).containsExactlyInAnyOrder(pizza, noodles);
    }

    @Test
    void onlyTheOwnersEntriesInTheWindowAreSearched() {
        assertThat(ids(search.search(other, "pizza", null, null, 10))).doesNotContain(pizza).hasSize(1);
        assertThat(search.search(owner, "pizza", Instant.parse("2026-11-10T00:00:00Z"), null, 10)).isEmpty();
        assertThat(search.search(owner, "meal", null, null, 1)).hasSize(1);
        assertThat(search.search(owner, "   ", null, null, 10)).isEmpty();
    }
}
