package org.mqcgm.server.disclosures;

/** What the disclosures templates show (public for the precompiled templates). */
public final class DisclosureViews {

    private DisclosureViews() {
    }

    /**
     * One line of the transparency report.
     *
     * @param year          the calendar year (UTC) of the approvals
     * @param basis         the legal basis's id (CRIMINAL_PROCEEDINGS)
     * @param disclosures   how many disclosures were approved
     * @param legalRequests how many of them answered a request of an authority
     * @param people        how many people they concerned in all
     */
    public record Row(int year, String basis, int disclosures, int legalRequests, int people) {
    }
}
