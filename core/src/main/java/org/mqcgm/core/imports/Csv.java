package org.mqcgm.core.imports;

import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader (the core stays JDK-only, see {@code package-info}): fields separated by a delimiter,
 * double-quoted fields with {@code ""} for a quote and line breaks inside, records ended by CRLF, LF or CR, rows of
 * any length ("ragged"). Each record keeps the line it starts on, so a skipped row can be named.
 */
final class Csv {

    /** A record: its first line (1-based) and its fields. */
    record Row(int line, List<String> fields) {
        String field(int i) {
            return i >= 0 && i < fields.size() ? fields.get(i) : "";
        }
    }

    private Csv() {
    }

    /** The delimiter of a file: a semicolon when the first line has more of them than commas, else a comma. */
    static char delimiter(String text) {
        int end = text.indexOf('\n');
        String first = end < 0 ? text : text.substring(0, end);
        long commas = first.chars().filter(c -> c == ',').count();
        long semicolons = first.chars().filter(c -> c == ';').count();
        return semicolons > commas ? ';' : ',';
    }

    static List<Row> read(String text, char delimiter) {
        List<Row> rows = new ArrayList<>();
        int n = text.length();
        int i = 0;
        int line = 1;
        while (i < n) {
            int startLine = line;
            List<String> fields = new ArrayList<>(20);
            StringBuilder field = new StringBuilder();
            boolean endOfRecord = false;
            while (!endOfRecord) {
                if (i < n && text.charAt(i) == '"') {
                    i++;
                    int quoteLine = line;
                    while (true) {
                        if (i >= n) {
                            throw new ImportException("truncated", "The file ends inside a quoted field that starts"
                                    + " on line " + quoteLine + " (the file is truncated or damaged).");
                        }
                        char c = text.charAt(i++);
                        if (c == '"') {
                            if (i < n && text.charAt(i) == '"') {
                                field.append('"');
                                i++;
                            } else {
                                break;
                            }
                        } else {
                            if (c == '\n' || (c == '\r' && (i >= n || text.charAt(i) != '\n'))) {
                                line++;
                            }
                            field.append(c);
                        }
                    }
                }
                // unquoted part (or what follows a closing quote, kept as RFC 4180 readers commonly do)
                while (i < n) {
                    char c = text.charAt(i);
                    if (c == delimiter || c == '\n' || c == '\r') {
                        break;
                    }
                    field.append(c);
                    i++;
                }
                fields.add(field.toString());
                field.setLength(0);
                if (i >= n) {
                    endOfRecord = true;
                } else {
                    char c = text.charAt(i++);
                    if (c == '\r') {
                        if (i < n && text.charAt(i) == '\n') {
                            i++;
                        }
                        line++;
                        endOfRecord = true;
                    } else if (c == '\n') {
                        line++;
                        endOfRecord = true;
                    }
                }
            }
            if (!(fields.size() == 1 && fields.get(0).isBlank())) {
                rows.add(new Row(startLine, fields));
            }
        }
        return rows;
    }
}
