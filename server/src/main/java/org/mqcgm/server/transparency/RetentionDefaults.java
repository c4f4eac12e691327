package org.mqcgm.server.transparency;

import java.util.EnumMap;
import java.util.Map;
import org.mqcgm.server.platform.consent.DataCategory;

/**
 * The retention defaults of the privacy requirements (Part 2, "Retention defaults (A-01)") by data category, in
 * English: what the record of processing states until the deployment's retention schedule
 * ({@code platform.retention}) is given to {@link TransparencyFeature#create} in their place. The page shows each in
 * the reader's language ({@code transparency.retention.<CODE>}) while it is the default.
 */
final class RetentionDefaults {

    static final Map<DataCategory, String> TEXT = new EnumMap<>(Map.ofEntries(
            Map.entry(DataCategory.ACC, "Life of the account; erased within 24 hours of cancellation; an account"
                    + " without activity for 24 months is told, then deleted 30 days later"),
            Map.entry(DataCategory.DEV, "90 days after the device is unlinked"),
            Map.entry(DataCategory.AID, "90 days after the device is unlinked; the push alias is deleted at logout"),
            Map.entry(DataCategory.MAC, "Not collected"),
            Map.entry(DataCategory.GLU, "Life of the account (you can delete any of it at any time); erased within"
                    + " 24 hours of cancellation"),
            Map.entry(DataCategory.CS, "2 years after the ticket is closed, then the body is deleted and the rest"
                    + " anonymised"),
            Map.entry(DataCategory.SOC, "Life of the account (you can delete any of it at any time); erased within"
                    + " 24 hours of cancellation; search queries 7 days"),
            Map.entry(DataCategory.LOG, "Crash reports 90 days; application logs 30 days"),
            Map.entry(DataCategory.WEB, "E-mail click and open events 12 months, then aggregated without the"
                    + " account"),
            Map.entry(DataCategory.CON, "3 years after the account is closed, pseudonymised, then deleted;"
                    + " deletion tombstones (a random id and the day) are kept for restores"),
            Map.entry(DataCategory.AGE, "Life of the account; erased within 24 hours of cancellation"),
            Map.entry(DataCategory.SEC, "Security and sign-in records 180 days; one-time codes 15 minutes;"
                    + " sessions until they end")));

    private RetentionDefaults() {
    }

    static String of(String categoryCode) {
        return DataCategory.parse(categoryCode).map(TEXT::get).orElse("Not scheduled");
    }
}
