package org.mqcgm.server.transparency;

import java.util.List;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.consent.DataCategory;

/**
 * The record of processing as the page and the JSON show it (public for the templates only). Built from the purpose
 * registry, the column declarations, the recipients and the retention schedule; nothing here is written by hand.
 */
public final class TransparencyViews {

    private TransparencyViews() {
    }

    /** A category with its retention, and whether the text is the requirements' default. */
    public record Retention(DataCategory category, String retention, boolean byDefault) {
    }

    /** One purpose of the registry. */
    public record PurposeEntry(Purpose purpose, List<Retention> retention,
                               List<TransparencyFeature.Recipient> recipients, List<String> tables) {
    }

    /** One persisted column. */
    public record ColumnEntry(String column, DataCategory category, List<Purpose> purposes, String retention) {
        public boolean personal() {
            return category != null;
        }
    }

    /** One persisted table with its columns. */
    public record TableEntry(String table, List<ColumnEntry> columns) {
        public boolean personal() {
            return columns.stream().anyMatch(ColumnEntry::personal);
        }
    }

    /** The whole record. */
    public record Record(List<PurposeEntry> purposes, List<TableEntry> tables) {
    }
}
