package org.mqcgm.server.nightscout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.nightscout.NsQuery.Collection;

/** Nightscout find[...] and v3 filters, evaluated in memory: operators, coercions, clients' own queries, bounds. */
class NsQueryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode doc(String json) {
        try {
            return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A query-string map as Javalin gives it: "k=v&k2=v2", values already URL-decoded. */
    private static Map<String, List<String>> params(String query) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            out.computeIfAbsent(pair.substring(0, eq), k -> new ArrayList<>()).add(pair.substring(eq + 1));
        }
        return out;
    }

    private static NsQuery v1(Collection c, String query) {
        return NsQuery.v1(c, params(query));
    }

    private static final ObjectNode SGV = doc("{'_id':'a1','type':'sgv','sgv':120,'date':1765100000000,"
            + "'dateString':'2025-12-07T09:33:20.000Z','device':'xDrip-DexcomG6','direction':'Flat'}");
    private static final ObjectNode CAL = doc("{'_id':'a2','type':'cal','slope':1000,'date':1765100000000,"
            + "'dateString':'2025-12-07T09:33:20.000Z'}");
    private static final ObjectNode MBG = doc("{'_id':'a3','type':'mbg','mbg':95,'date':1765099000000,"
            + "'dateString':'2025-12-07T09:16:40.000Z'}");

    @Test
    void comparisonOperatorsOnANumericField() {
        assertThat(v1(Collection.ENTRIES, "find[sgv][$eq]=120").test(SGV)).isTrue();
        assertThat(v1(Collection.ENTRIES, "find[sgv]=120").test(SGV)).isTrue();
        assertThat(v1(Collection.ENTRIES, "find[sgv][$ne]=120").test(SGV)).isFalse();
        assertThat(v1(Collection.ENTRIES, "find[sgv][$gt]=119").test(SGV)).isTrue();
        assertThat(v1(Collection.ENTRIES, "find[sgv][$gt]=120").test(SGV)).isFalse();
        assertThat(v1(Collection.ENTRIES, "find[sgv][$gte]=120").test(SGV)).isTrue();
        assertThat(v1(Collection.ENTRIES, "find[sgv][$lt]=120").test(SGV)).isFalse();
        assertThat(v1(Collection.ENTRIES, "find[sgv][$lte]=120").test(SGV)).isTrue();
        assertThat(v1(Collection.ENTRIES, "find[sgv][$lt]=121").test(SGV)).isTrue();
        // "100" < "120" < "90" as strings: the coercion to numbers is what makes this true
        assertThat(v1(Collection.ENTRIES, "find[sgv][$lt]=90").test(SGV)).isFalse();
    }

    @Test
    void inAndNinInBothArraySyntaxes() {
        NsQuery appended = v1(Collection.ENTRIES, "find[type][$in][]=sgv&find[type][$in][]=mbg");
        NsQuery indexed = v1(Collection.ENTRIES, "find[type][$in][0]=sgv&find[type][$in][1]=mbg");
        for (NsQuery q : List.of(appended, indexed)) {
            assertThat(Stream.of(SGV, CAL, MBG).filter(q::test)).containsExactly(SGV, MBG);
            assertThat(q.types()).contains(Set.of("sgv", "mbg"));
        }
        NsQuery nin = v1(Collection.ENTRIES, "find[type][$nin][]=sgv&find[type][$nin][]=mbg");
        assertThat(Stream.of(SGV, CAL, MBG).filter(nin::test)).containsExactly(CAL);
        assertThat(nin.mayMatchType("sgv")).isFalse();
        assertThat(nin.mayMatchType("cal")).isTrue();
        assertThat(v1(Collection.ENTRIES, "find[sgv][$in][]=100&find[sgv][$in][]=120").test(SGV)).isTrue();
    }

    @Test
    void existsTrueAndFalse() {
        ObjectNode carbs = doc("{'eventType':'Meal Bolus','carbs':0,'created_at':'2025-12-07T09:00:00.000Z'}");
        ObjectNode note = doc("{'eventType':'Note','created_at':'2025-12-07T09:00:00.000Z'}");
        NsQuery has = v1(Collection.TREATMENTS, "find[carbs][$exists]=true");
        NsQuery hasNot = v1(Collection.TREATMENTS, "find[carbs][$exists]=false");
        assertThat(has.test(carbs)).isTrue();
        assertThat(has.test(note)).isFalse();
        assertThat(hasNot.test(carbs)).isFalse();
        assertThat(hasNot.test(note)).isTrue();
    }

    @Test
    void regexOnStringFieldsPlainAndWithFlags() {
        ObjectNode t = doc("{'eventType':'Temporary Target','enteredBy':'Trio','notes':'Pre-meal'}");
        assertThat(v1(Collection.TREATMENTS, "find[eventType]=/Temporary/").test(t)).isTrue();
        assertThat(v1(Collection.TREATMENTS, "find[eventType]=/^temporary/i").test(t)).isTrue();
        assertThat(v1(Collection.TREATMENTS, "find[eventType]=/^temporary/").test(t)).isFalse();
        assertThat(v1(Collection.TREATMENTS, "find[notes][$regex]=meal$").test(t)).isTrue();
        assertThat(NsQuery.v3(Collection.TREATMENTS, params("enteredBy$re=^Tr")).test(t)).isTrue();
        // a string that starts with a slash but is no /regex/flags is compared as a string
        ObjectNode path = doc("{'notes':'/api/v1'}");
        assertThat(v1(Collection.TREATMENTS, "find[notes]=/api/v1").test(path)).isTrue();
    }

    @Test
    void plusDecodedToSpaceMatchesEventTypeWithASpace() {
        // Trio writes find[eventType]=Temporary+Target; the server's query map has the '+' decoded to a space.
        ObjectNode t = doc("{'eventType':'Temporary Target','duration':60,'created_at':'2025-12-07T09:00:00.000Z'}");
        NsQuery q = v1(Collection.TREATMENTS,
                "find[eventType]=Temporary Target&find[duration][$exists]=true&find[created_at][$gt]=2025-12-06T09:00:00.000Z");
        assertThat(q.test(t)).isTrue();
        assertThat(q.hasTimeFilter()).isTrue();
    }

    @Test
    void entryDateAcceptsIsoWithTheOffsetsPlusTurnedIntoASpace() {
        long ms = Instant.parse("2025-12-07T09:33:20Z").toEpochMilli();
        assertThat(SGV.get("date").asLong()).isEqualTo(ms);
        assertThat(v1(Collection.ENTRIES, "find[date][$gte]=2025-12-07T10:33:20 01:00").test(SGV)).isTrue();
        assertThat(v1(Collection.ENTRIES, "find[date][$gt]=2025-12-07T10:33:20+01:00").test(SGV)).isFalse();
        assertThat(v1(Collection.ENTRIES, "find[date][$gte]=2025-12-07T10:33:20 01:00").fromMillis())
                .hasValue(ms);
        assertThatThrownBy(() -> v1(Collection.ENTRIES, "find[date][$gte]=yesterday"))
                .isInstanceOf(NsDocuments.Invalid.class).hasMessageContaining("find[date]");
    }

    @Test
    void treatmentAmountsAreDecimalNumbersNotParseInt() {
        ObjectNode bolus = doc("{'eventType':'Correction Bolus','insulin':0.5}");
        assertThat(v1(Collection.TREATMENTS, "find[insulin]=0.5").test(bolus)).isTrue();
        assertThat(v1(Collection.TREATMENTS, "find[insulin][$gt]=0").test(bolus)).isTrue();
        // a stored string never equals a coerced number (Nightscout's Mongo would not match it either)
        assertThat(v1(Collection.TREATMENTS, "find[insulin]=0.5").test(doc("{'insulin':'0.5'}"))).isFalse();
    }

    @Test
    void dateStringBoundaryIsComparedAsAnInstantNotAsText() {
        // Loop: find[dateString][$gte]=…Z without millis; stored …00.000Z sorts before it as text ('.' < 'Z').
        NsQuery loop = v1(Collection.ENTRIES,
                "find[dateString][$gte]=2025-12-07T09:33:20Z&find[dateString][$lte]=2025-12-07T10:00:00Z");
        assertThat(loop.test(SGV)).isTrue();
        assertThat(loop.test(MBG)).isFalse();
        assertThat(loop.hasTimeFilter()).isTrue();
        long from = Instant.parse("2025-12-07T09:33:20Z").toEpochMilli();
        assertThat(loop.fromMillis()).hasValue(from - NsQuery.STRING_TIME_MARGIN_MS);
        // a prefix is not a date-time and compares as text, as in Nightscout
        assertThat(v1(Collection.ENTRIES, "find[dateString][$gte]=2025-12-07").test(SGV)).isTrue();
        assertThat(v1(Collection.ENTRIES, "find[dateString][$gte]=2025-12-08").test(SGV)).isFalse();
        // a local offset compares as the instant it names
        assertThat(v1(Collection.ENTRIES, "find[dateString][$eq]=2025-12-07T10:33:20.000+01:00").test(SGV))
                .isTrue();
    }

    @Test
    void xdripFollowerPollsOnANumericDate() {
        NsQuery q = v1(Collection.ENTRIES, "count=2880&find[date][$gt]=1765099999999&rr=1765100100000");
        assertThat(q.test(SGV)).isTrue();
        assertThat(q.test(MBG)).isFalse();
        assertThat(q.fromMillis()).hasValue(1765099999999L);
        assertThat(q.toMillis()).isEmpty();
        assertThat(q.hasTimeFilter()).isTrue();
        assertThat(q.mayMatchType("sgv")).isTrue();
        assertThat(q.types()).isEmpty();
    }

    @Test
    void noFindMeansEverythingAndNoTimeFilter() {
        NsQuery q = v1(Collection.ENTRIES, "count=10&rr=1");
        assertThat(q.test(CAL)).isTrue();
        assertThat(q.hasTimeFilter()).isFalse();
        assertThat(q.fromMillis()).isEmpty();
        assertThat(NsQuery.all(Collection.TREATMENTS).test(doc("{}"))).isTrue();
        NsQuery window = q.notBefore(1765099500000L);
        assertThat(Stream.of(SGV, CAL, MBG).filter(window::test)).containsExactly(SGV, CAL);
        assertThat(window.fromMillis()).hasValue(1765099500000L);
        assertThat(window.hasTimeFilter()).isFalse();
        NsQuery treatments = NsQuery.all(Collection.TREATMENTS)
                .notBefore(Instant.parse("2025-12-07T09:00:00Z").toEpochMilli());
        assertThat(treatments.test(doc("{'created_at':'2025-12-07T10:00:00+01:00'}"))).isTrue();
        assertThat(treatments.test(doc("{'created_at':'2025-12-07T09:59:00+01:00'}"))).isFalse();
    }

    @Test
    void loopFollowExcludesCalibrationsAndKeepsSgv() {
        NsQuery q = v1(Collection.ENTRIES, "count=864&find[date][$gte]=1765000000000&find[type][$ne]=cal");
        assertThat(Stream.of(SGV, CAL, MBG).filter(q::test)).containsExactly(SGV, MBG);
        assertThat(q.mayMatchType("sgv")).isTrue();
        assertThat(q.mayMatchType("cal")).isFalse();
        assertThat(q.types()).isEmpty();
        NsQuery sgvOnly = v1(Collection.ENTRIES, "find[type]=mbg").andEquals("type", "sgv");
        assertThat(sgvOnly.types()).contains(Set.of());
        assertThat(sgvOnly.mayMatchType("sgv")).isFalse();
    }

    @Test
    void trioCarbsQueryWithAndNeExists() {
        NsQuery q = v1(Collection.TREATMENTS, "find[carbs][$exists]=true"
                + "&find[$and][0][enteredBy][$ne]=Trio&find[$and][1][enteredBy][$ne]=iAPS"
                + "&find[created_at][$gt]=2025-12-06T09:00:00.000Z");
        ObjectNode fromAaps = doc("{'carbs':20,'enteredBy':'AAPS','created_at':'2025-12-07T08:00:00.000Z'}");
        ObjectNode fromTrio = doc("{'carbs':20,'enteredBy':'Trio','created_at':'2025-12-07T08:00:00.000Z'}");
        ObjectNode old = doc("{'carbs':20,'enteredBy':'AAPS','created_at':'2025-12-05T08:00:00.000Z'}");
        ObjectNode noCarbs = doc("{'insulin':1,'enteredBy':'AAPS','created_at':'2025-12-07T08:00:00.000Z'}");
        assertThat(Stream.of(fromAaps, fromTrio, old, noCarbs).filter(q::test)).containsExactly(fromAaps);
        assertThat(q.fromMillis()).hasValue(Instant.parse("2025-12-06T09:00:00Z").toEpochMilli());
    }

    @Test
    void trioDeleteWithOrOfIdAndDateString() {
        NsQuery q = v1(Collection.ENTRIES,
                "find[$or][0][id][$eq]=abc-1&find[$or][1][dateString][$eq]=2025-12-07T09:16:40.000Z");
        ObjectNode byId = doc("{'id':'abc-1','type':'mbg','date':1,'dateString':'1970-01-01T00:00:00.001Z'}");
        assertThat(Stream.of(SGV, CAL, MBG, byId).filter(q::test)).containsExactly(MBG, byId);
        assertThat(q.hasTimeFilter()).isTrue();
        assertThat(q.fromMillis()).as("one branch has no time: no bound").isEmpty();
    }

    @Test
    void orOfTimeRangesBoundsByTheirHull() {
        NsQuery q = v1(Collection.ENTRIES,
                "find[$or][0][date][$gte]=100&find[$or][0][date][$lte]=200&find[$or][1][date]=500");
        assertThat(q.fromMillis()).hasValue(100);
        assertThat(q.toMillis()).hasValue(500);
        assertThat(q.test(doc("{'date':150}"))).isTrue();
        assertThat(q.test(doc("{'date':300}"))).isFalse();
        assertThat(q.test(doc("{'date':500}"))).isTrue();
    }

    @Test
    void idFilterCountsAsTimeFilterAndCreatedAtForTreatments() {
        assertThat(v1(Collection.TREATMENTS, "find[_id]=5f1e2d3c4b5a69788796a5b4").hasTimeFilter()).isTrue();
        assertThat(v1(Collection.TREATMENTS, "find[uuid]=x").hasTimeFilter()).isFalse();
        assertThat(v1(Collection.DEVICESTATUS, "find[created_at][$gte]=2025-12-07T00:00:00Z").hasTimeFilter())
                .isTrue();
        assertThat(v1(Collection.ENTRIES, "find[created_at][$gte]=2025-12-07T00:00:00Z").hasTimeFilter())
                .isFalse();
        assertThat(v1(Collection.PROFILE, "find[startDate][$lte]=2025-12-07T00:00:00Z").toMillis())
                .hasValue(Instant.parse("2025-12-07T00:00:00Z").toEpochMilli());
    }

    @Test
    void dottedPathsAndArraysMatchLikeMongo() {
        ObjectNode status = doc("{'pump':{'battery':{'percent':40}},'tags':['a','b']}");
        assertThat(v1(Collection.DEVICESTATUS, "find[pump.battery.percent][$lt]=50").test(status)).isTrue();
        assertThat(v1(Collection.DEVICESTATUS, "find[tags]=b").test(status)).isTrue();
        assertThat(v1(Collection.DEVICESTATUS, "find[tags][$ne]=b").test(status)).isFalse();
        assertThat(v1(Collection.DEVICESTATUS, "find[isCharging]=true").test(doc("{'isCharging':true}")))
                .isTrue();
    }

    @Test
    void unknownOperatorsAndMalformedKeysAre400() {
        for (String q : List.of("find[sgv][$where]=1", "find[$where]=1", "find[$nor][0][a]=1", "find[sgv][$gt][x]=1",
                "find[sgv]]=1", "find=1", "find[$and]=x", "find[type][$in][a]=sgv", "find[a b]=1")) {
            assertThatThrownBy(() -> v1(Collection.ENTRIES, q)).as(q)
                    .isInstanceOfSatisfying(NsDocuments.Invalid.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void nestingBeyondTheBoundIsRefused() {
        String ok = "find[$and][0][$or][0][$and][0][$or][0][type]=sgv";
        assertThat(v1(Collection.ENTRIES, ok).test(SGV)).isTrue();
        String deep = "find[$and][0][$or][0][$and][0][$or][0][$and][0][type]=sgv";
        assertThatThrownBy(() -> v1(Collection.ENTRIES, deep)).isInstanceOf(NsDocuments.Invalid.class)
                .hasMessageContaining("nested too deeply");
        String deeper = "find" + "[$and][0]".repeat(200) + "[type]=sgv";
        assertThatThrownBy(() -> v1(Collection.ENTRIES, deeper)).isInstanceOf(NsDocuments.Invalid.class);
    }

    @Test
    void hugeClauseAndValueCountsAreRefused() {
        StringBuilder many = new StringBuilder("find[type]=sgv");
        for (int i = 0; i < 5000; i++) {
            many.append("&find[$or][").append(i).append("][sgv]=").append(i);
        }
        assertThatThrownBy(() -> v1(Collection.ENTRIES, many.toString())).isInstanceOf(NsDocuments.Invalid.class)
                .hasMessageContaining("Too many");
        StringBuilder values = new StringBuilder("find[type]=sgv");
        for (int i = 0; i < 500; i++) {
            values.append("&find[sgv][$in][]=").append(i);
        }
        assertThatThrownBy(() -> v1(Collection.ENTRIES, values.toString())).isInstanceOf(NsDocuments.Invalid.class)
                .hasMessageContaining("Too many values");
        assertThatThrownBy(() -> v1(Collection.ENTRIES, "find[device]=" + "x".repeat(5000)))
                .isInstanceOf(NsDocuments.Invalid.class).hasMessageContaining("too long");
    }

    @Test
    void catastrophicRegexFinishesInLinearTime() {
        NsQuery q = v1(Collection.TREATMENTS, "find[notes]=/(a+)+$/");
        ObjectNode t = doc("{'notes':'" + "a".repeat(100_000) + "b'}");
        // A backtracking engine takes longer than the universe's age to fail here; RE2/J answers at once.
        assertThat(q.test(t)).isFalse();
        NsQuery anchored = v1(Collection.TREATMENTS, "find[notes]=/^(a|aa)+$/");
        assertThat(anchored.test(t)).isFalse();
        assertThat(anchored.test(doc("{'notes':'" + "a".repeat(100_000) + "'}"))).isTrue();
        assertThatThrownBy(() -> v1(Collection.TREATMENTS, "find[notes]=/(a)\\1/"))
                .isInstanceOf(NsDocuments.Invalid.class);
        assertThatThrownBy(() -> v1(Collection.TREATMENTS, "find[notes]=/" + "a".repeat(300) + "/"))
                .isInstanceOf(NsDocuments.Invalid.class);
    }

    @Test
    void v3FiltersOperatorsAndMsOrIsoDates() {
        ObjectNode e = doc("{'identifier':'i1','type':'sgv','sgv':120,'date':1765100000000,'srvModified':5}");
        assertThat(NsQuery.v3(Collection.ENTRIES, params("date$gt=1765099999999&type=sgv")).test(e)).isTrue();
        assertThat(NsQuery.v3(Collection.ENTRIES, params("date$gte=2025-12-07T09:33:20.000Z")).test(e)).isTrue();
        assertThat(NsQuery.v3(Collection.ENTRIES, params("date$lt=2025-12-07T09:33:20Z")).test(e)).isFalse();
        assertThat(NsQuery.v3(Collection.ENTRIES, params("sgv$lte=120&sgv$gte=120")).test(e)).isTrue();
        assertThat(NsQuery.v3(Collection.ENTRIES, params("sgv$ne=120")).test(e)).isFalse();
        assertThat(NsQuery.v3(Collection.ENTRIES, params("type$in=mbg|sgv")).test(e)).isTrue();
        assertThat(NsQuery.v3(Collection.ENTRIES, params("type$nin=mbg|sgv")).test(e)).isFalse();
        assertThat(NsQuery.v3(Collection.ENTRIES, params("type$eq=sgv&token=x&now=1")).test(e)).isTrue();
        assertThat(NsQuery.v3(Collection.ENTRIES, params("srvModified$gt=4")).test(e)).isTrue();
        NsQuery aaps = NsQuery.v3(Collection.TREATMENTS,
                params("sort=created_at&created_at$gt=2025-12-01T00:00:00.000Z&limit=500"));
        assertThat(aaps.limit()).isEqualTo(500);
        assertThat(aaps.fromMillis()).hasValue(Instant.parse("2025-12-01T00:00:00Z").toEpochMilli());
        assertThat(NsQuery.v3(Collection.ENTRIES, params("type=sgv")).limit()).isEqualTo(1000);
        for (String bad : List.of("limit=1001", "limit=0", "limit=x", "skip=-1", "sgv$regex=1", "date$gt=soon",
                "sort=date&sort$desc=date", "a%b=1")) {
            assertThatThrownBy(() -> NsQuery.v3(Collection.ENTRIES, params(bad))).as(bad)
                    .isInstanceOfSatisfying(NsDocuments.Invalid.class, x -> assertThat(x.status()).isEqualTo(400));
        }
    }

    @Test
    void v1OrderIsTimeDescendingAndV3SortHasTieBreakers() {
        List<JsonNode> entries = new ArrayList<>(List.of(MBG, SGV, doc("{'_id':'z','dateString':'2025-12-07T10:00:00Z'}")));
        entries.sort(NsQuery.v1Order(Collection.ENTRIES));
        assertThat(entries.get(0).get("_id").asText()).isEqualTo("z");
        assertThat(entries.get(2)).isEqualTo(MBG);
        List<JsonNode> treatments = new ArrayList<>(List.of(
                doc("{'_id':'1','created_at':'2025-12-07T09:00:00.000Z'}"),
                doc("{'_id':'2','created_at':'2025-12-07T11:00:00+01:00'}"),
                doc("{'_id':'3','created_at':'2025-12-07T09:30:00Z'}")));
        treatments.sort(NsQuery.v1Order(Collection.TREATMENTS));
        assertThat(treatments).extracting(t -> t.get("_id").asText()).containsExactly("2", "3", "1"); // 11:00+01:00 is 10:00Z

        List<JsonNode> v3 = new ArrayList<>(List.of(doc("{'identifier':'b','date':2}"),
                doc("{'identifier':'a','date':2}"), doc("{'identifier':'c','date':1}")));
        NsQuery asc = NsQuery.v3(Collection.ENTRIES, params("sort=date"));
        v3.sort(asc.order());
        assertThat(v3).extracting(t -> t.get("identifier").asText()).containsExactly("c", "a", "b");
        v3.sort(NsQuery.v3(Collection.ENTRIES, params("sort$desc=date")).order());
        assertThat(v3).as("tie-breakers in the sort's direction, as Nightscout's parseSort")
                .extracting(t -> t.get("identifier").asText()).containsExactly("b", "a", "c");
    }

    @Test
    void v3FieldsProjection() {
        ObjectNode e = doc("{'identifier':'i1','type':'sgv','sgv':120,'date':1}");
        assertThat(NsQuery.v3(Collection.ENTRIES, params("fields=sgv,date")).project(e).toString())
                .isEqualTo("{\"sgv\":120,\"date\":1}");
        assertThat(NsQuery.v3(Collection.ENTRIES, params("fields=_all")).project(e)).isEqualTo(e);
    }

    @Test
    void isoParsingCoversClientsFormats() {
        long t = Instant.parse("2025-12-07T09:33:20Z").toEpochMilli();
        assertThat(NsQuery.parseInstant("2025-12-07T10:33:20.000+0100")).hasValue(t); // xDrip
        assertThat(NsQuery.parseInstant("2025-12-07T09:33:20Z")).hasValue(t); // Loop
        assertThat(NsQuery.parseInstant("2025-12-07T09:33:20.000000Z")).hasValue(t);
        assertThat(NsQuery.parseInstant("2025-12-07 09:33:20")).hasValue(t);
        assertThat(NsQuery.parseInstant("2025-12-07T04:33:20-05:00")).hasValue(t);
        assertThat(NsQuery.parseInstant("yesterday")).isEmpty();
        assertThat(NsQuery.parseInstant("2025-13-07T09:33:20Z")).isEmpty();
        assertThat(NsQuery.offsetMinutes("2025-12-07T10:33:20.000+0100")).contains(60);
        assertThat(NsQuery.offsetMinutes("2025-12-07T09:33:20Z")).contains(0);
    }
}
