package org.mqcgm.server.clinician;

/**
 * The model of a PIN-protected link's page before the PIN: the form posts to {@code action}.
 *
 * @param action the link's own address
 * @param label  who the link is for
 * @param error  what went wrong with the last PIN, in the page's language, or empty
 */
public record PinPage(String action, String label, String error) {
}
