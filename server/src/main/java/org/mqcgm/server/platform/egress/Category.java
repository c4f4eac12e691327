package org.mqcgm.server.platform.egress;

/**
 * The data categories of the privacy requirements ({@code docs/spec/privacy-requirements.md}, "Data categories"):
 * what a recipient may receive is declared in these codes.
 */
public enum Category {
    /** Account: phone number, e-mail, password hash, account id. */
    ACC,
    /** Device basics: model, OS version, app version. */
    DEV,
    /** Install identifier and derived push alias. */
    AID,
    /** MAC addresses (phone, CGM sensor). */
    MAC,
    /** Installed-software list. */
    APPS,
    /** Location. */
    LOC,
    /** CGM data: readings, trend, sensor serial, calibrations, alerts, annotations (health data). */
    GLU,
    /** Customer-service records. */
    CS,
    /** Check-ins, posts, pictures, search queries. */
    SOC,
    /** Crash and error logs. */
    LOG,
    /** Cookies, e-mail events, mailing-list membership. */
    WEB,
    /** Consent ledger, rights requests, policy acceptances. */
    CON,
    /** Date of birth, age band, guardian. */
    AGE,
    /** Security and audit data. */
    SEC
}
