package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.glucose.TrendArrow;
import org.mqcgm.core.glucose.TrendEstimator;

/**
 * Our readings as Nightscout {@code sgv} entries and back (docs/nightscout.md, "Entries"). A reading is the entry's
 * instant (to the second) and offset, its value, the sensor's rate of change, quality and device:
 * <ul>
 *   <li>{@code date}/{@code dateString}/{@code utcOffset}: the instant and the offset of {@code dateString} (else
 *       {@code utcOffset}, else UTC); out, {@code dateString} and {@code sysTime} are UTC with milliseconds, as
 *       Nightscout stores them;</li>
 *   <li>{@code sgv}: mg/dL; 39 is the sensor's "LOW" (below 40) and comes back as 39; a reading above the sensor's
 *       range comes out as its limit + 1 (401 for 400); values below 39 are Dexcom error codes, not glucose;</li>
 *   <li>{@code direction} (or the numeric {@code trend} 1–9): a representative rate that maps back to the same
 *       direction; out, the sensor's rate, else the rate estimated from the readings before it (15 minutes);</li>
 *   <li>{@code noise} 1–4 ↔ quality 100, 75, 50, 25 %;</li>
 *   <li>{@code _id}: derived from the instant (eight hex digits of the second, then {@code 7367760000000000}), so it
 *       names the reading without a second copy of anything.</li>
 * </ul>
 * Fields we do not keep for readings ({@code filtered}, {@code unfiltered}, {@code rssi}, {@code delta}) are not
 * stored; the echo of an upload carries them back as sent.
 */
final class NsEntries {

    /** The tail of the {@code _id} of a reading (hex of "sgv" and zeros). */
    static final String READING_ID_TAIL = "7367760000000000";
    static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private NsEntries() {
    }

    static String id(Instant time) {
        long seconds = time.getEpochSecond();
        if (seconds < 0 || seconds > 0xffff_ffffL) {
            String hex = Long.toHexString(seconds);
            return "00000000".substring(Math.min(8, hex.length())) + hex + READING_ID_TAIL;
        }
        return new String(idBytes(time), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** {@link #id} as ASCII bytes. */
    static byte[] idBytes(Instant time) {
        long seconds = time.getEpochSecond();
        if (seconds < 0 || seconds > 0xffff_ffffL) {
            return id(time).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        byte[] b = new byte[24];
        for (int k = 7; k >= 0; k--) {
            b[k] = (byte) HEX[(int) (seconds & 0xf)];
            seconds >>>= 4;
        }
        System.arraycopy(ID_TAIL, 0, b, 8, 16);
        return b;
    }

    private static final byte[] ID_TAIL = READING_ID_TAIL.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The instant a reading's {@code _id} names, if it is one. */
    static Optional<Instant> instantOf(String id) {
        if (id == null || id.length() != 24 || !id.endsWith(READING_ID_TAIL)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochSecond(Long.parseLong(id.substring(0, 8), 16)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The representative rate (mg/dL/min) of a Nightscout direction; NaN for none or not computable. */
    static double rate(String direction) {
        if (direction == null) {
            return Double.NaN;
        }
        return switch (direction) {
            case "DoubleUp" -> 3.5;
            case "SingleUp" -> 2.5;
            case "FortyFiveUp" -> 1.5;
            case "Flat" -> 0.0;
            case "FortyFiveDown" -> -1.5;
            case "SingleDown" -> -2.5;
            case "DoubleDown" -> -3.5;
            default -> Double.NaN;
        };
    }

    /** Dexcom's numeric trend 1–7 as a direction; 8, 9 and others none. */
    static String direction(int trend) {
        return switch (trend) {
            case 1 -> "DoubleUp";
            case 2 -> "SingleUp";
            case 3 -> "FortyFiveUp";
            case 4 -> "Flat";
            case 5 -> "FortyFiveDown";
            case 6 -> "SingleDown";
            case 7 -> "DoubleDown";
            default -> null;
        };
    }

    private static int trendNumber(TrendArrow arrow) {
        return switch (arrow) {
            case DOUBLE_UP -> 1;
            case SINGLE_UP -> 2;
            case FORTY_FIVE_UP -> 3;
            case FLAT -> 4;
            case FORTY_FIVE_DOWN -> 5;
            case SINGLE_DOWN -> 6;
            case DOUBLE_DOWN -> 7;
            case NOT_COMPUTABLE -> 8;
        };
    }

    static int quality(int noise) {
        return switch (noise) {
            case 1 -> 100;
            case 2 -> 75;
            case 3 -> 50;
            case 4 -> 25;
            default -> -1;
        };
    }

    static int noise(int quality) {
        if (quality < 0) {
            return -1;
        }
        return quality >= 88 ? 1 : quality >= 63 ? 2 : quality >= 38 ? 3 : 4;
    }

    /**
     * Readings (oldest first) from {@code fromIndex} on as entries, newest first; each reading without a sensor rate
     * gets the direction estimated from the readings before it in {@code ascending}.
     */
    static List<ObjectNode> toEntries(ObjectMapper mapper, List<Reading> ascending, int fromIndex) {
        java.util.ArrayList<ObjectNode> out = new java.util.ArrayList<>(ascending.size() - fromIndex);
        for (int i = ascending.size() - 1; i >= fromIndex; i--) {
            out.add(entryAt(mapper, ascending, i));
        }
        return out;
    }

    /** How far back the direction of a reading without a sensor rate is estimated from. */
    private static final long TREND_SECONDS = 15 * 60;

    /** The reading at {@code i} of {@code ascending} as an entry, its direction estimated when it has no rate. */
    static ObjectNode entryAt(ObjectMapper mapper, List<Reading> ascending, int i) {
        return readingAt(ascending, i).node(mapper);
    }

    /** The reading at {@code i} of {@code ascending} with its rate: the sensor's, else estimated (15 minutes). */
    static ReadingEntry readingAt(List<Reading> ascending, int i) {
        Reading r = ascending.get(i);
        if (r.hasTrend()) {
            return new ReadingEntry(r, r.trend());
        }
        // the readings of the 15 minutes up to it (at most 16: one a minute)
        long since = r.time().getEpochSecond() - TREND_SECONDS;
        int j = i;
        while (j > 0 && i - j < 16 && ascending.get(j - 1).time().getEpochSecond() >= since) {
            j--;
        }
        return new ReadingEntry(r, TrendEstimator.ratePerMinute(ascending.subList(j, i + 1)));
    }

    /**
     * One entry of a v1 answer: one of our readings, or a stored Nightscout document (an {@code mbg}, a {@code cal}
     * …). A reading is written field by field ({@link #write}), so a read of hundreds of them builds no tree.
     */
    sealed interface Entry permits ReadingEntry, DocumentEntry {

        /** The entry's {@code date} (epoch ms; 0 when a document has no numeric one): v1's order. */
        long date();

        /** The entry as a JSON tree (CSV, v3, and queries that look at more than the time). */
        ObjectNode node(ObjectMapper mapper);

        /** Writes the entry as one JSON object: the same fields, order and types as {@link #node}. */
        void write(JsonGenerator g) throws IOException;
    }

    /** A reading and the rate (mg/dL/min, NaN for none) its direction is shown from. */
    record ReadingEntry(Reading reading, double rate) implements Entry {
        @Override
        public long date() {
            return reading.time().toEpochMilli();
        }

        @Override
        public ObjectNode node(ObjectMapper mapper) {
            return entry(mapper, reading, rate);
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            // field names and constant values pre-encoded, _id and dateString as ASCII bytes (no Strings)
            Reading r = reading;
            byte[] iso = isoMillisBytes(r.time());
            TrendArrow arrow = TrendArrow.fromRate(rate);
            int noise = noise(r.quality());
            g.writeStartObject();
            g.writeFieldName(F_ID);
            byte[] id = idBytes(r.time());
            g.writeUTF8String(id, 0, id.length);
            g.writeFieldName(F_DEVICE);
            if (r.source() == null) {
                g.writeString(V_MQCGM);
            } else {
                g.writeString(r.source());
            }
            g.writeFieldName(F_DATE);
            g.writeNumber(r.time().toEpochMilli());
            g.writeFieldName(F_DATE_STRING);
            g.writeUTF8String(iso, 0, iso.length);
            g.writeFieldName(F_SGV);
            g.writeNumber(sgv(r));
            g.writeFieldName(F_DIRECTION);
            g.writeString(DIRECTIONS.get(arrow));
            g.writeFieldName(F_TREND);
            g.writeNumber(trendNumber(arrow));
            g.writeFieldName(F_TYPE);
            g.writeString(V_SGV);
            if (noise > 0) {
                g.writeFieldName(F_NOISE);
                g.writeNumber(noise);
            }
            g.writeFieldName(F_SYS_TIME);
            g.writeUTF8String(iso, 0, iso.length);
            g.writeFieldName(F_UTC_OFFSET);
            g.writeNumber(r.offset().getTotalSeconds() / 60);
            g.writeEndObject();
        }
    }

    private static final SerializedString F_ID = new SerializedString("_id");
    private static final SerializedString F_DEVICE = new SerializedString("device");
    private static final SerializedString F_DATE = new SerializedString("date");
    private static final SerializedString F_DATE_STRING = new SerializedString("dateString");
    private static final SerializedString F_SGV = new SerializedString("sgv");
    private static final SerializedString F_DIRECTION = new SerializedString("direction");
    private static final SerializedString F_TREND = new SerializedString("trend");
    private static final SerializedString F_TYPE = new SerializedString("type");
    private static final SerializedString F_NOISE = new SerializedString("noise");
    private static final SerializedString F_SYS_TIME = new SerializedString("sysTime");
    private static final SerializedString F_UTC_OFFSET = new SerializedString("utcOffset");
    private static final SerializedString V_MQCGM = new SerializedString("mqcgm");
    private static final SerializedString V_SGV = new SerializedString("sgv");
    private static final java.util.Map<TrendArrow, SerializedString> DIRECTIONS;

    static {
        java.util.EnumMap<TrendArrow, SerializedString> d = new java.util.EnumMap<>(TrendArrow.class);
        for (TrendArrow a : TrendArrow.values()) {
            d.put(a, new SerializedString(a.nightscoutName()));
        }
        DIRECTIONS = d;
    }

    /** A stored Nightscout entry other than a reading, as its v1 document. */
    record DocumentEntry(ObjectNode doc) implements Entry {
        @Override
        public long date() {
            return doc.path("date").asLong(0);
        }

        @Override
        public ObjectNode node(ObjectMapper mapper) {
            return doc;
        }

        @Override
        public void write(JsonGenerator g) throws IOException {
            g.writeTree(doc);
        }
    }

    /** Entries as a JSON array (UTF-8), as {@link #write} writes them. */
    static byte[] json(ObjectMapper mapper, List<? extends Entry> entries) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 + entries.size() * 224);
        try {
            write(mapper, entries, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /**
     * Writes entries as a JSON array (UTF-8) with {@code mapper}'s settings, the bytes it writes for their trees,
     * and closes {@code out}.
     */
    static void write(ObjectMapper mapper, List<? extends Entry> entries, java.io.OutputStream out)
            throws IOException {
        try (JsonGenerator g = mapper.createGenerator(out)) {
            g.writeStartArray();
            for (Entry e : entries) {
                e.write(g);
            }
            g.writeEndArray();
        }
    }

    static ObjectNode entry(ObjectMapper mapper, Reading r, double rate) {
        ObjectNode e = mapper.createObjectNode();
        String iso = isoMillis(r.time());
        e.put("_id", id(r.time()));
        e.put("device", r.source() == null ? "mqcgm" : r.source());
        e.put("date", r.time().toEpochMilli());
        e.put("dateString", iso);
        e.put("sgv", sgv(r));
        TrendArrow arrow = TrendArrow.fromRate(rate);
        e.put("direction", arrow.nightscoutName());
        e.put("trend", trendNumber(arrow));
        e.put("type", "sgv");
        int noise = noise(r.quality());
        if (noise > 0) {
            e.put("noise", noise);
        }
        e.put("sysTime", iso);
        e.put("utcOffset", r.offset().getTotalSeconds() / 60);
        return e;
    }

    /** The entry's {@code sgv}: 39 for the sensor's LOW, the limit + 1 above its range. */
    private static int sgv(Reading r) {
        return switch (r.marker()) {
            case VALUE -> r.mgdl();
            case LOW -> r.mgdl() - 1;
            case HIGH -> r.mgdl() + 1;
        };
    }

    /**
     * An instant as {@link #ISO_MILLIS} formats it ({@code 2026-12-07T10:00:00.000Z}), without the formatter's
     * cost for years 1000–9999 (the formatter for others).
     */
    static String isoMillis(Instant t) {
        return new String(isoMillisBytes(t), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** {@link #isoMillis} as ASCII bytes; for years outside 1000–9999 the formatter's. */
    static byte[] isoMillisBytes(Instant t) {
        long seconds = t.getEpochSecond();
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(days);
        int year = date.getYear();
        if (year < 1000 || year > 9999) {
            return ISO_MILLIS.format(t).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        byte[] c = new byte[24];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        digits(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secondOfDay % 60, 2);
        c[19] = '.';
        digits(c, 20, t.getNano() / 1_000_000, 3);
        c[23] = 'Z';
        return c;
    }

    private static void digits(byte[] c, int at, int value, int width) {
        for (int k = at + width - 1; k >= at; k--) {
            c[k] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Why an uploaded {@code sgv} entry cannot become a reading, or the reading. */
    sealed interface Parsed {
    }

    record Ok(Reading reading) implements Parsed {
    }

    /** Valid JSON of the right types, but nothing we store as a reading (an error code, a future time). */
    record NotStored(String reason) implements Parsed {
    }

    /** A field of the wrong type or shape: the whole upload is refused. */
    record Invalid(String field, String rule) implements Parsed {
    }

    /**
     * Reads one uploaded entry of type {@code sgv}: its instant from {@code dateString} (with its offset) else
     * {@code date} (ms), its value, direction or trend, noise and device.
     *
     * @param latest the latest instant accepted (the data clock plus five minutes)
     */
    static Parsed parseSgv(JsonNode e, String at, Instant latest) {
        JsonNode sgv = e.get("sgv");
        if (sgv == null || !sgv.isNumber()) {
            return new Invalid(at + ".sgv", "must be a number (mg/dL)");
        }
        Instant time;
        ZoneOffset offset = ZoneOffset.UTC;
        JsonNode ds = e.get("dateString");
        JsonNode date = e.get("date");
        if (ds != null && !ds.isNull() && !(ds.isTextual())) {
            return new Invalid(at + ".dateString", "must be an ISO-8601 date-time");
        }
        if (date != null && !date.isNull() && !date.isNumber()) {
            return new Invalid(at + ".date", "must be milliseconds since 1970");
        }
        Optional<OffsetDateTime> parsedDs = ds != null && ds.isTextual() ? parseDate(ds.asText()) : Optional.empty();
        if (ds != null && ds.isTextual() && parsedDs.isEmpty() && (date == null || !date.isNumber())) {
            return new Invalid(at + ".dateString", "must be an ISO-8601 date-time");
        }
        if (parsedDs.isPresent()) {
            time = parsedDs.get().toInstant();
            offset = parsedDs.get().getOffset();
        } else if (date != null && date.isNumber()) {
            time = Instant.ofEpochMilli(date.asLong());
            JsonNode off = e.get("utcOffset");
            if (off != null && off.isIntegralNumber() && Math.abs(off.asInt()) <= 18 * 60) {
                offset = ZoneOffset.ofTotalSeconds(off.asInt() * 60);
            }
        } else {
            return new Invalid(at + ".date", "is required (or dateString)");
        }
        JsonNode dir = e.get("direction");
        if (dir != null && !dir.isNull() && !dir.isTextual()) {
            return new Invalid(at + ".direction", "must be a string");
        }
        JsonNode device = e.get("device");
        if (device != null && !device.isNull() && !device.isTextual()) {
            return new Invalid(at + ".device", "must be a string");
        }
        JsonNode noiseNode = e.get("noise");
        if (noiseNode != null && !noiseNode.isNull() && !noiseNode.isNumber()) {
            return new Invalid(at + ".noise", "must be a number");
        }
        JsonNode trendNode = e.get("trend");
        if (trendNode != null && !trendNode.isNull() && !trendNode.isNumber()) {
            return new Invalid(at + ".trend", "must be a number");
        }
        if (time.isAfter(latest)) {
            return new NotStored("in the future");
        }
        double value = sgv.asDouble();
        int mgdl = (int) Math.round(value);
        Reading.Marker marker = Reading.Marker.VALUE;
        if (mgdl == 39) {
            marker = Reading.Marker.LOW;
            mgdl = 40;
        } else if (mgdl < 39) {
            return new NotStored("sgv below 39 is a sensor error code, not glucose");
        } else if (mgdl > Reading.MAX_MGDL) {
            return new NotStored("sgv above " + Reading.MAX_MGDL + " mg/dL");
        }
        String direction = dir != null && dir.isTextual() ? dir.asText()
                : trendNode != null && trendNode.isNumber() ? direction(trendNode.asInt()) : null;
        int quality = noiseNode != null && noiseNode.isNumber() ? quality(noiseNode.asInt()) : -1;
        String source = device != null && device.isTextual() && !device.asText().isBlank()
                ? truncate(device.asText().strip(), Reading.MAX_SOURCE_LENGTH) : null;
        return new Ok(new Reading(time.truncatedTo(ChronoUnit.SECONDS), offset, mgdl, marker, rate(direction),
                quality, 0, source));
    }

    /**
     * A date-time as Nightscout's {@code moment.parseZone} reads it, keeping its offset; without an offset, UTC.
     * Empty when it is no date-time.
     */
    static Optional<OffsetDateTime> parseDate(String text) {
        return NsQuery.offsetDateTime(text, false);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
