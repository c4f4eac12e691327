package org.mqcgm.server.transparency;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.consent.DataCategory;

/**
 * The declaration of every persisted column ({@code privacy/processing-columns.tsv}, PR-02): its table, its column,
 * the category of personal data it holds ({@code -} for none) and the purposes it is processed for. One line per
 * column, tab-separated; {@code #} starts a comment. Loading refuses a line whose category is unknown or whose
 * purpose the registry does not register for that category, so the declaration cannot claim what the registry does
 * not allow. {@code ProcessingRecordTest} checks the file against the live schema both ways.
 */
final class ColumnDeclarations {

    static final String RESOURCE = "/privacy/processing-columns.tsv";

    /** One declared column; {@code category} is empty for a column holding no personal data. */
    record Column(String table, String column, Optional<DataCategory> category, List<Purpose> purposes) {
        boolean personal() {
            return category.isPresent();
        }
    }

    private ColumnDeclarations() {
    }

    static List<Column> load() {
        try (InputStream in = ColumnDeclarations.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Column> parse(List<String> lines) {
        List<Column> out = new ArrayList<>();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            final int at = n;
            String[] f = line.split("\t", -1);
            if (f.length != 4) {
                throw new IllegalStateException(RESOURCE + " line " + n + ": expected table, column, category,"
                        + " purposes separated by tabs: " + line);
            }
            Optional<DataCategory> category = f[2].equals("-") ? Optional.empty() : Optional.of(DataCategory
                    .parse(f[2]).orElseThrow(() -> new IllegalStateException(RESOURCE + " line " + at
                            + ": unknown category " + f[2])));
            List<Purpose> purposes = new ArrayList<>();
            for (String id : f[3].split(",")) {
                if (id.isBlank() || id.equals("-")) {
                    continue;
                }
                Purpose p = Purpose.parse(id.strip()).orElseThrow(() -> new IllegalStateException(RESOURCE
                        + " line " + at + ": unknown purpose " + id));
                if (category.isPresent() && !p.covers(category.get())) {
                    throw new IllegalStateException(RESOURCE + " line " + n + ": purpose " + p.id()
                            + " is not registered for category " + category.get().code()
                            + " (add it to Consents.Purpose or choose another purpose)");
                }
                purposes.add(p);
            }
            if (category.isPresent() && purposes.isEmpty()) {
                throw new IllegalStateException(RESOURCE + " line " + n + ": personal data needs a purpose");
            }
            out.add(new Column(f[0], f[1], category, List.copyOf(purposes)));
        }
        return List.copyOf(out);
    }
}
