package org.mqcgm.server.egress;

import java.util.List;
import java.util.Map;

/** The JSON of the egress API (component schemas of the same names in {@code openapi.json}). */
final class ApiSchemas {

    private ApiSchemas() {
    }

    /**
     * One transfer of the person's data out of the server, or one refused: never the data itself.
     *
     * @param at          when (ISO-8601 UTC)
     * @param recipient   a declared recipient's id, or {@code transfer}, {@code push}, {@code mailbox}
     * @param destination the destination's host
     * @param purpose     what for
     * @param categories  the data categories (codes such as {@code GLU}), comma-separated
     * @param records     how many records went out
     * @param outcome     {@code sent}, {@code failed}, {@code refused}, {@code blocked}, {@code consent-revoked},
     *                    {@code no-consent}
     * @param detail      a fixed phrase (why it failed or was stopped), or null
     */
    record EgressEntry(String at, String recipient, String destination, String purpose, String categories,
                       int records, String outcome, String detail) {
    }

    /** The person's egress log, newest first (at most 500 entries). */
    record EgressLog(List<EgressEntry> entries) {
    }

    static final Map<String, Class<?>> ALL = Map.of("EgressEntry", EgressEntry.class, "EgressLog", EgressLog.class);
}
