package org.mqcgm.server.platform.consent;

import java.util.Optional;

/**
 * The categories of personal data of the privacy requirements ({@code docs/spec/privacy-requirements.md}, "Data
 * categories"). Each purpose of the registry declares the categories it processes
 * ({@link Consents.Purpose#categories()}); every persisted column of the database is declared with its category
 * in {@code privacy/processing-columns.tsv} (PR-02); reads of personal data are checked against the registry by
 * category (PR-03). What each means is a text in both languages under {@link #nameKey()}.
 */
public enum DataCategory {
    /** Account: login identifier (e-mail or phone), password hash, account id, settings. */
    ACC,
    /** Device basics: model, operating-system and app version. */
    DEV,
    /** Install identifier and the push alias derived from it. */
    AID,
    /** MAC addresses (not collected: requirements A-03). */
    MAC,
    /** CGM data: readings, trend, sensors, calibrations, alerts, annotations (health data, sensitive). */
    GLU,
    /** Customer-service records: tickets, messages, attachments. */
    CS,
    /** Check-ins, posts, pictures, search queries. */
    SOC,
    /** Crash and error logs and diagnostic device information. */
    LOG,
    /** Cookies, e-mail click/open events, mailing-list membership, DNT/GPC signals. */
    WEB,
    /** Consent ledger, rights-request records, policy acceptances. */
    CON,
    /** Date of birth or age band, guardian identity and consent. */
    AGE,
    /** Security and audit data: network prefixes, sessions, login events, incident records. */
    SEC;

    /** The code as the requirements and the record of processing write it ({@code GLU}). */
    public String code() {
        return name();
    }

    /** i18n key of the category's name. */
    public String nameKey() {
        return "transparency.category." + name() + ".name";
    }

    public static Optional<DataCategory> parse(String code) {
        for (DataCategory c : values()) {
            if (c.name().equals(code)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
