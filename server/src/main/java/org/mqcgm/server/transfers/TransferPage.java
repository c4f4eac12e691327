package org.mqcgm.server.transfers;

import java.util.List;

/**
 * The model of Settings → Transfer (public for the precompiled template only).
 *
 * @param kind     the destination kind the form shows selected
 * @param url      the address the form shows again (never the password or the credential)
 * @param messages what is wrong with the last submission
 * @param result   the transfer just run, if any
 * @param log      the person's transfers, newest first
 */
public record TransferPage(String kind, String url, List<String> messages, Row result, List<Row> log) {

    /** One transfer as the page shows it. */
    public record Row(String at, String kind, String destination, String status, int readings, String failure) {

        static Row of(ApiSchemas.Transfer t) {
            return new Row(t.at().substring(0, 16).replace('T', ' ') + " UTC", t.kind(), t.destination(), t.status(),
                    t.readings(), t.failure());
        }
    }
}
