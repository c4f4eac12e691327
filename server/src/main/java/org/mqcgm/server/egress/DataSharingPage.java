package org.mqcgm.server.egress;

import java.util.List;

/**
 * The model of Settings → Where my data goes (public for the precompiled template only): the declared recipients
 * with the person's choice about each, and their egress log.
 */
public record DataSharingPage(String region, List<Choice> recipients, List<Entry> log) {

    /** A recipient and the person's consent. */
    public record Choice(ThirdPartiesPage.Row recipient, boolean granted, boolean crossBorderGranted,
                         boolean mustReconsent) {
    }

    /** One log entry as the page shows it. */
    public record Entry(String at, String recipient, String destination, String purpose, String categories,
                        int records, String outcome, String detail) {
    }
}
