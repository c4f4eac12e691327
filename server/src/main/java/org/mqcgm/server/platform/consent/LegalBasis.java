package org.mqcgm.server.platform.consent;

import java.util.Locale;
import java.util.Optional;

/**
 * The legal basis of a processing or disclosure operation (PR-31): consent, or one of the situations of the policy's
 * section I.2 (a–k) in which no authorization is needed. Every purpose of the registry has one
 * ({@link Consents.Purpose#legalBasis()}), every disclosure without consent records one.
 */
public enum LegalBasis {
    /** The person's consent. */
    CONSENT(null),
    /** (g) necessary to sign or perform a contract at the person's request. */
    CONTRACT('g'),
    /** (h) necessary to keep the service safe and running (faults, fraud, security). */
    OPERATIONS_SECURITY('h'),
    /** (k) other situations laws and regulations provide for. */
    LEGAL_OBLIGATION('k'),
    /** (a) national security or national defence. */
    NATIONAL_SECURITY('a'),
    /** (b) public safety, public health, major public interests. */
    PUBLIC_INTEREST('b'),
    /** (c) criminal investigation, prosecution, trial and enforcement of judgements. */
    CRIMINAL_PROCEEDINGS('c'),
    /** (d) protecting the life or property of the person or others where consent is hard to obtain. */
    VITAL_INTERESTS('d'),
    /** (e) information the person made public themself. */
    SELF_DISCLOSED('e'),
    /** (f) information lawfully made public (news reports, government disclosure). */
    LAWFULLY_PUBLIC('f'),
    /** (i) a news organisation's legitimate news reporting. */
    NEWS('i'),
    /** (j) academic research or statistics in the public interest, de-identified. */
    RESEARCH_DEIDENTIFIED('j');

    private final Character letter;

    LegalBasis(Character letter) {
        this.letter = letter;
    }

    /** The letter of the policy's list (I.2 a–k), or empty for consent. */
    public Optional<Character> letter() {
        return Optional.ofNullable(letter);
    }

    /** The id in JSON and the database: {@code CRIMINAL_PROCEEDINGS}. */
    public String id() {
        return name();
    }

    /**
     * Whether sharing, transferring or publicly disclosing personal information without consent may rest on it:
     * only the policy's section III.4 a–f.
     */
    public boolean allowsDisclosureWithoutConsent() {
        return letter != null && letter >= 'a' && letter <= 'f';
    }

    /**
     * Whether an operation on it needs the data protection officer, a reference document and a second approver:
     * every basis but consent, contract (g) and operations and security (h).
     */
    public boolean needsDpoReview() {
        return this != CONSENT && this != CONTRACT && this != OPERATIONS_SECURITY;
    }

    public static Optional<LegalBasis> parse(String id) {
        if (id == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(id.strip().toUpperCase(Locale.ROOT).replace('-', '_')));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
