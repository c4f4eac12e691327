package org.mqcgm.server.egress;

import java.util.List;

/**
 * The model of {@code /privacy/third-parties} (public for the precompiled template only): every declared recipient
 * as the registry says, generated from it.
 *
 * @param region     the deployment's region
 * @param recipients the declared recipients (none by default)
 */
public record ThirdPartiesPage(String region, boolean crossBorderAllowed, List<Row> recipients) {

    /** One recipient as the page shows it. */
    public record Row(String id, String name, List<String> purposes, String categories, String fields, String region,
                      String country, boolean crossBorder, String privacyPolicy, String dpa, String dpaExpires,
                      boolean enabled, String state) {
    }
}
