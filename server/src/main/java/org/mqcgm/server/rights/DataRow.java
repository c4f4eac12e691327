package org.mqcgm.server.rights;

/** One row of the "My data" page, in the page's language (the feature's English text where there is none). */
public record DataRow(String id, String name, long count, String purpose, String source, String location) {
}
