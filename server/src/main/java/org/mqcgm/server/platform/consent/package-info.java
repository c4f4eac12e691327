/**
 * The consent seam: features ask {@link org.mqcgm.server.platform.consent.Consents} whether a user agreed to a
 * purpose before processing for it; the privacy feature answers from the append-only consent ledger.
 */
package org.mqcgm.server.platform.consent;
