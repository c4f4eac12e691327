package org.mqcgm.server.nightscout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.nightscout.NsQuery.Collection;
import org.mqcgm.server.platform.http.Json;

/**
 * Entries written field by field ({@link NsEntries#json}) are byte for byte what the server's JSON mapper writes for
 * their trees ({@link NsEntries#entry}: the shape clients parse), and a query tested on a reading's time and type
 * alone decides as it does on the whole entry.
 */
class NsEntriesTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    /** Readings of every shape an entry has: markers, qualities, sources, offsets, sensor rates or none. */
    private static List<Reading> readings() {
        List<Reading> out = new ArrayList<>();
        double[] rates = {Double.NaN, 3.5, 2.5, 1.5, 0.0, -1.5, -2.5, -3.5};
        int[] qualities = {-1, 100, 75, 50, 25, 0};
        for (int i = 0; i < 48; i++) {
            Reading.Marker marker = i % 11 == 3 ? Reading.Marker.LOW : i % 13 == 5 ? Reading.Marker.HIGH
                    : Reading.Marker.VALUE;
            int mgdl = marker == Reading.Marker.LOW ? 40 : marker == Reading.Marker.HIGH ? 400 : 60 + 7 * i;
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(((i % 5) - 2) * 3600 + (i % 2) * 1800);
            String source = i % 4 == 0 ? null : i % 4 == 1 ? "xDrip-DexcomG6" : i % 4 == 2 ? "Zürich “CGM” \"x\"\n"
                    : "AndroidAPS-DexcomG7";
            out.add(new Reading(T0.plusSeconds(300L * i + (i % 3)), offset, mgdl, marker, rates[i % rates.length],
                    qualities[i % qualities.length], 0, source));
        }
        return out;
    }

    @Test
    void entriesWrittenFieldByFieldAreTheBytesOfTheirTrees() throws Exception {
        List<Reading> ascending = new ArrayList<>(readings());
        // times whose dateString the formatter writes (years before 1000 and after 9999), _ids beyond 32 bits
        ascending.add(0, Reading.utc(Instant.parse("0999-06-01T12:34:56Z"), 100));
        ascending.add(Reading.utc(Instant.parse("+10000-01-01T00:00:00Z"), 100));
        List<NsEntries.Entry> entries = new ArrayList<>();
        List<ObjectNode> trees = new ArrayList<>();
        for (int i = ascending.size() - 1; i >= 0; i--) {
            NsEntries.ReadingEntry e = NsEntries.readingAt(ascending, i);
            entries.add(e);
            trees.add(NsEntries.entryAt(MAPPER, ascending, i));
        }
        // a stored document (an mbg) among them, written as its tree
        ObjectNode mbg = (ObjectNode) MAPPER.readTree("{\"_id\":\"6757f0e0a1b2c3d4e5f60718\",\"type\":\"mbg\","
                + "\"mbg\":95.5,\"date\":1796637600000,\"device\":\"meter\",\"nested\":{\"a\":[1,null,true]}}");
        entries.add(7, new NsEntries.DocumentEntry(mbg));
        trees.add(7, mbg);

        String streamed = new String(NsEntries.json(MAPPER, entries), StandardCharsets.UTF_8);
        assertThat(streamed).isEqualTo(MAPPER.writeValueAsString(trees));
        assertThat(MAPPER.readTree(streamed)).isEqualTo(MAPPER.valueToTree(trees));
        // the shapes covered: no noise and noise, an estimated and a sensor direction, LOW and HIGH, no device
        assertThat(streamed).contains("\"noise\":1", "\"direction\":\"NOT COMPUTABLE\"", "\"direction\":\"Flat\"",
                "\"sgv\":39", "\"sgv\":401", "\"device\":\"mqcgm\"", "\"utcOffset\":-90",
                "\"dateString\":\"0999-06-01T12:34:56.000Z\"", "\"dateString\":\"+10000-01-01T00:00:00.000Z\"");
        assertThat(trees).anySatisfy(t -> assertThat(t.has("noise")).isFalse());
        assertThat(new String(NsEntries.json(MAPPER, List.of()), StandardCharsets.UTF_8)).isEqualTo("[]");
    }

    @Test
    void theDateStringIsWhatTheFormatterWrites() {
        long[] seconds = {0, -1, -86_400, 951_782_400 /* 2000-02-29 */, 4_107_542_399L /* 2100-02-28T23:59:59 */,
                T0.getEpochSecond(), 253_402_300_799L /* 9999-12-31T23:59:59 */, 253_402_300_800L /* year 10000 */,
                -30_610_224_000L /* 1000-01-01 */, -30_610_224_001L /* 999 */, -62_167_219_200L /* year 0 */};
        int[] nanos = {0, 1, 999_999, 1_000_000, 123_456_789, 999_999_999};
        for (long s : seconds) {
            for (int n : nanos) {
                Instant t = Instant.ofEpochSecond(s, n);
                assertThat(NsEntries.isoMillis(t)).as("%s", t).isEqualTo(NsEntries.ISO_MILLIS.format(t));
            }
        }
        for (long s = T0.getEpochSecond() - 400L * 86_400; s < T0.getEpochSecond() + 400L * 86_400; s += 3_607) {
            Instant t = Instant.ofEpochSecond(s);
            assertThat(NsEntries.isoMillis(t)).isEqualTo(NsEntries.ISO_MILLIS.format(t));
        }
    }

    @Test
    void theIdIsEightHexDigitsOfTheSecondAndTheReadingTail() {
        long[] seconds = {0, 1, 15, 16, 0xfff_ffffL, 0x1000_0000L, T0.getEpochSecond(), 0xffff_fffeL, 0xffff_ffffL,
                0x1_0000_0000L, -1};
        for (long s : seconds) {
            String hex = Long.toHexString(s);
            String expected = "00000000".substring(Math.min(8, hex.length())) + hex + "7367760000000000";
            assertThat(NsEntries.id(Instant.ofEpochSecond(s))).as("%d", s).isEqualTo(expected);
        }
        assertThat(NsEntries.id(T0)).isEqualTo("6b1683a07367760000000000");
        assertThat(NsEntries.instantOf(NsEntries.id(T0))).contains(T0);
    }

    /** Entries queries: those on the time and type alone are tested on them; a probe decides as the entry does. */
    @Test
    void aQueryOnTheTimeAndTypeAloneDecidesOnThemAsOnTheWholeEntry() {
        List<Reading> ascending = readings();
        long mid = ascending.get(20).time().toEpochMilli();
        String ms = Long.toString(mid);
        String iso = NsEntries.ISO_MILLIS.format(Instant.ofEpochMilli(mid));
        Map<String, Boolean> queries = new LinkedHashMap<>();
        queries.put("", true);
        queries.put("find[date][$gte]=" + ms, true);
        queries.put("find[date][$gt]=" + ms + "&find[date][$lte]=" + (mid + 3_600_000), true);
        queries.put("find[date][$gt]=" + (mid + 0.5), true);
        queries.put("find[date]=" + ms, true);
        queries.put("find[date][$ne]=" + ms, true);
        queries.put("find[date][$in]=" + ms + "&find[date][$in]=" + (mid + 300_000), true);
        queries.put("find[type]=sgv", true);
        queries.put("find[type][$ne]=sgv", true);
        queries.put("find[type]=/^s/", true);
        queries.put("find[type][$exists]=true&find[date][$lt]=" + ms, true);
        queries.put("find[$or][0][date][$lt]=" + ms + "&find[$or][1][type]=mbg", true);
        queries.put("find[date][$gte]=" + iso, true);
        queries.put("find[dateString][$gte]=" + iso, false);
        queries.put("find[sgv][$gt]=120", false);
        queries.put("find[direction]=Flat", false);
        queries.put("find[$or][0][date][$lt]=" + ms + "&find[$or][1][sgv]=100", false);
        queries.put("find[date.x]=1", false);
        for (Map.Entry<String, Boolean> q : queries.entrySet()) {
            NsQuery query = q.getKey().isEmpty() ? NsQuery.all(Collection.ENTRIES)
                    : NsQuery.v1(Collection.ENTRIES, params(q.getKey()));
            query = query.notBefore(mid - 3_600_000);
            assertThat(query.looksOnlyAt(java.util.Set.of("date", "type"))).as(q.getKey()).isEqualTo(q.getValue());
            if (!q.getValue()) {
                continue;
            }
            int matched = 0;
            for (int i = 0; i < ascending.size(); i++) {
                ObjectNode whole = NsEntries.entryAt(MAPPER, ascending, i);
                ObjectNode probe = MAPPER.createObjectNode().put("type", "sgv").put("date", whole.get("date")
                        .asLong());
                assertThat(query.test(probe)).as("%s at %d", q.getKey(), i).isEqualTo(query.test(whole));
                matched += query.test(whole) ? 1 : 0;
            }
            assertThat(matched).as(q.getKey()).isBetween(q.getKey().contains("[type][$ne]") ? 0 : 1,
                    ascending.size());
        }
    }

    private static Map<String, List<String>> params(String query) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            out.computeIfAbsent(pair.substring(0, eq), k -> new ArrayList<>()).add(pair.substring(eq + 1));
        }
        return out;
    }
}
