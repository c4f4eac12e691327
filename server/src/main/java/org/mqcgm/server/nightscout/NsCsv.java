package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Entries as Nightscout writes them for {@code /api/v1/entries.csv}, {@code .tsv} and {@code .txt} (and for the
 * {@code text/csv}, {@code text/tab-separated-values}, {@code text/plain} Accept types): no header row, one line per
 * entry with {@code dateString, date, sgv, direction, device}, separated by ',' (csv) or TAB (tsv, txt), lines
 * joined by CRLF with no line break after the last, nothing at all for no entries.
 *
 * <p>Each cell is what Nightscout 15 writes ({@code formatWithSeparator} in {@code lib/api/entries/index.js}):
 * {@code JSON.stringify} of the value — strings in double quotes with JSON escapes, numbers bare, {@code null} as
 * {@code ""}, a missing field as an empty cell. So the spec's "quote nothing" holds for numbers only; the JSON
 * quoting is also what escapes a comma, quote, tab or line break inside a device name (a quote becomes
 * {@code \"}, not RFC 4180's doubled quote), so a line never splits.
 */
final class NsCsv {

    private static final List<String> FIELDS = List.of("dateString", "date", "sgv", "direction", "device");

    /** The text formats of the entries routes. */
    enum Format {
        CSV(",", "text/csv"), TSV("\t", "text/tab-separated-values"), TXT("\t", "text/plain");

        final String separator;
        final String contentType;

        Format(String separator, String contentType) {
            this.separator = separator;
            this.contentType = contentType;
        }

        /** The format of a path extension ({@code csv}, {@code tsv}, {@code txt}); empty for json or anything else. */
        static Optional<Format> ofExtension(String extension) {
            return switch (extension == null ? "" : extension.toLowerCase(Locale.ROOT)) {
                case "csv" -> Optional.of(CSV);
                case "tsv" -> Optional.of(TSV);
                case "txt" -> Optional.of(TXT);
                default -> Optional.empty();
            };
        }

        /**
         * The format an Accept header asks for when it prefers no JSON (the first of its types that is one of
         * ours, JSON winning when it comes first or the header is absent).
         */
        static Optional<Format> ofAccept(String accept) {
            if (accept == null) {
                return Optional.empty();
            }
            for (String part : accept.split(",")) {
                String type = part.split(";")[0].trim().toLowerCase(Locale.ROOT);
                switch (type) {
                    case "text/csv" -> {
                        return Optional.of(CSV);
                    }
                    case "text/tab-separated-values" -> {
                        return Optional.of(TSV);
                    }
                    case "text/plain" -> {
                        return Optional.of(TXT);
                    }
                    case "application/json", "*/*", "application/*" -> {
                        return Optional.empty();
                    }
                    default -> {
                    }
                }
            }
            return Optional.empty();
        }
    }

    private NsCsv() {
    }

    /** The entries (Nightscout JSON documents, in the order given) in this format. */
    static String format(List<? extends JsonNode> entries, Format format) {
        StringBuilder out = new StringBuilder(entries.size() * 64);
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                out.append("\r\n");
            }
            JsonNode e = entries.get(i);
            for (int f = 0; f < FIELDS.size(); f++) {
                if (f > 0) {
                    out.append(format.separator);
                }
                out.append(cell(e.get(FIELDS.get(f))));
            }
        }
        return out.toString();
    }

    /** JSON.stringify of a value, with null as {@code ""} and a missing value as nothing. */
    private static String cell(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "";
        }
        if (v.isNull()) {
            return "\"\"";
        }
        if (v.isNumber()) {
            double d = v.asDouble();
            if (v.isIntegralNumber() || (d == Math.rint(d) && Math.abs(d) < 1e15)) {
                return Long.toString(v.asLong());
            }
            return v.toString();
        }
        return v.toString();
    }
}
