package org.mqcgm.server.glucose;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import java.io.StringWriter;

/**
 * CSV the server writes: RFC 4180 quoting by FastCSV (the library {@code mqcgm analyze} reads CSV with), one record per line ({@code \n}).
 *
 * <p>Spreadsheets run a cell starting with {@code =}, {@code +}, {@code -}, {@code @}, tab or carriage return as
 * a formula (CSV or formula injection): such a <em>text</em> cell — anything a user or a device wrote, like a
 * reading's {@code device} — is written with a leading single quote ({@code '=HYPERLINK(…)}), which spreadsheets
 * show as text. Number cells are written as numbers and never changed: a falling trend stays {@code -1.2}.
 */
final class CsvExport {

    private final StringWriter out = new StringWriter();
    private final CsvWriter writer;

    CsvExport(String... header) {
        writer = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(out);
        writer.writeRecord(header);
    }

    /**
     * Adds a record. Give text cells through {@link #text}; numbers and booleans as they are (absent values as
     * the empty string).
     */
    CsvExport record(Object... cells) {
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = cells[i] == null ? "" : cells[i].toString();
        }
        writer.writeRecord(text);
        return this;
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
        try {
            writer.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }
}
