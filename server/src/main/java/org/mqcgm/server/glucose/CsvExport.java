package org.mqcgm.server.glucose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * CSV the server writes: RFC 4180 quoting by Apache Commons CSV, one record per line ({@code \n}).
 *
 * <p>Spreadsheets run a cell starting with {@code =}, {@code +}, {@code -}, {@code @}, tab or carriage return as
 * a formula (CSV or formula injection): such a <em>text</em> cell — anything a user or a device wrote, like a
 * reading's {@code device} — is written with a leading single quote ({@code '=HYPERLINK(…)}), which spreadsheets
 * show as text. Number cells are written as numbers and never changed: a falling trend stays {@code -1.2}.
 */
final class CsvExport {

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    private final StringBuilder out = new StringBuilder();
    private final CSVPrinter printer;

    CsvExport(String... header) {
        try {
            printer = new CSVPrinter(out, FORMAT);
            printer.printRecord((Object[]) header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds a record. Give text cells through {@link #text}; numbers and booleans as they are (absent values as
     * the empty string).
     */
    CsvExport record(Object... cells) {
        try {
            printer.printRecord(List.of(cells));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A text cell, neutralised when a spreadsheet would read it as a formula; null is an empty cell. */
    static String text(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        char c = s.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + s : s;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
