package org.mqcgm.server.clinician;

import java.util.List;

/**
 * The model of Settings → Sharing → Clinician links ({@code /settings/sharing/links}).
 *
 * @param consented the wearer consents to sharing (else the form explains where to give it)
 * @param created   the link just made, its address shown only this once; null otherwise
 * @param form      what the form shows
 * @param errors    what is wrong with the form, in the page's language
 * @param links     the wearer's links, newest first
 */
public record LinksPage(boolean consented, Created created, Form form, List<String> errors, List<Item> links) {

    /** A link just made. */
    public record Created(String url, String label, String expires) {
    }

    /** The creation form: label, report period, days until it ends (1–30), optional PIN (never echoed). */
    public record Form(String label, String from, String to, int days, List<Integer> dayChoices) {
    }

    /**
     * One link.
     *
     * @param state  active, ended, revoked or locked
     * @param views  when it was opened (newest first, at most 20), in the wearer's zone
     */
    public record Item(String id, String label, String period, String expires, String state, boolean pin,
                       long viewCount, List<String> views) {
    }
}
