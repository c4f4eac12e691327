package org.mqcgm.server.platform.consent;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Whether a user currently consents to a purpose (the latest grant or withdrawal counts), and the registry of every
 * processing purpose the product has or will have ({@link Purpose}).
 */
public interface Consents {

    /** The notification channel on which a change of a person's consents is announced ("owner/purpose"). */
    String CHANGED = "mqcgm_consent_changed";

    /**
     * The legal basis of a purpose. Processing without the person's consent happens only under a basis the policy
     * declares in its section Ⅰ.2 ({@link #clause()}); the record of processing ({@code /privacy/processing.json})
     * names each purpose's basis and clause (PR-02).
     */
    enum Basis {
        /** Needed to provide the service the person signed up for; no consent is asked, none can be withdrawn. */
        CONTRACT("contract", "Ⅰ.2.g"),
        /** Only with the person's separate, explicit consent, which they may withdraw at any time. */
        CONSENT("consent", "Ⅰ.1"),
        /** The acceptance of the privacy policy itself (recorded with the policy's version). */
        ACCEPTANCE("acceptance", "Preamble"),
        /** Keeping the service safe and stable: discovering and handling failures and attacks (policy Ⅰ.2.h). */
        OPERATIONS_SECURITY("operations-security", "Ⅰ.2.h"),
        /** What a law requires of the operator, e.g. keeping proof of consents and erasures (policy Ⅰ.2.k). */
        LEGAL_OBLIGATION("legal-obligation", "Ⅰ.2.k");

        private final String id;
        private final String clause;

        Basis(String id, String clause) {
            this.id = id;
            this.clause = clause;
        }

        /** The basis as the record of processing writes it ({@code operations-security}). */
        public String id() {
            return id;
        }

        /** The clause of the policy that declares it ({@code Ⅰ.2.h}; consent: Ⅰ.1; acceptance: the preamble). */
        public String clause() {
            return clause;
        }

        /** Whether processing under it needs no consent of the person (a declared basis of policy Ⅰ.2). */
        public boolean withoutConsent() {
            return clause.startsWith("Ⅰ.2.");
        }

        /** i18n key of the basis's name. */
        public String nameKey() {
            return "transparency.basis." + id;
        }
    }

    /**
     * The purpose registry: every processing purpose of the product, present or planned, with its legal basis and
     * whether the product has the feature yet. What each purpose means and what stops when it is withdrawn are
     * texts in both languages under {@link #nameKey()}, {@link #whatKey()} and {@link #stopsKey()}. Features never
     * decide consent themselves: a route declares the purposes it needs ({@code Access….requiring(purpose)}) and
     * {@code AccessControl} asks {@link Consents#granted} at every request. Each purpose also declares the data
     * categories it processes ({@link #categories()}): the record of processing is generated from them and reads of
     * personal data are refused for a purpose not registered for their category
     * ({@code platform.transparency.PurposeGuard}, PR-03).
     */
    enum Purpose {
        /** The account itself: signing in, settings, security (contract). */
        ACCOUNT("account", Basis.CONTRACT, true, null, DataCategory.ACC, DataCategory.DEV, DataCategory.AID,
                DataCategory.AGE, DataCategory.SEC),
        /**
         * Storing and showing CGM readings, which are health data — sensitive personal information (PR-19). It
         * includes the analysis of one's own readings ({@link #ANALYSIS}).
         */
        HEALTH_DATA("health-data", Basis.CONSENT, true, null, DataCategory.GLU, DataCategory.SOC),
        /**
         * Statistics, reports and the AGP of one's own readings: part of {@link #HEALTH_DATA}, given and withdrawn
         * with it (no separate choice: analysing the readings is what they are stored for).
         */
        ANALYSIS("analysis", Basis.CONSENT, true, "health-data", DataCategory.GLU),
        /** Sharing readings with people the user chooses (followers, carers, clinicians). */
        SHARING("sharing", Basis.CONSENT, true, null, DataCategory.GLU, DataCategory.SOC, DataCategory.ACC),
        /** Publishing posts, comments and likes to the community (each post's audience chosen when publishing). */
        COMMUNITY("community", Basis.CONSENT, true, null, DataCategory.SOC),
        /** Being found by other users in search. Not offered yet. */
        SEARCH("search", Basis.CONSENT, false, null, DataCategory.SOC),
        /** Push notifications (alerts, reminders) to the user's phone. Not offered yet. */
        PUSH_NOTIFICATIONS("push-notifications", Basis.CONSENT, false, null, DataCategory.AID, DataCategory.DEV),
        /**
         * Crash reports from the apps, to fix faults: scrubbed of personal data, tied to a random install id, never
         * to the account, kept 90 days.
         */
        CRASH_REPORTS("crash-reports", Basis.CONSENT, true, null, DataCategory.LOG, DataCategory.DEV),
        /** Answering the user's own support requests (contract). No in-product channel yet. */
        CUSTOMER_SERVICE("customer-service", Basis.CONTRACT, false, null, DataCategory.CS, DataCategory.ACC,
                DataCategory.GLU),
        /** Research on de-identified data. Not offered yet. */
        RESEARCH("research", Basis.CONSENT, false, null, DataCategory.GLU),
        /**
         * The newsletter by e-mail: opt-in, off by default; every issue has a one-click unsubscribe (RFC 8058) and
         * no tracking (PR-38, PR-39).
         */
        NEWSLETTER("newsletter", Basis.CONSENT, true, null, DataCategory.ACC, DataCategory.WEB),
        /**
         * Tracking how a person uses the product (analytics, e-mail opens or clicks). The product has none; the
         * purpose records the person's choice should it ever come: off ("Do not track" on) by default, and withdrawn
         * for the account when their browser sends Do Not Track or Global Privacy Control (PR-40).
         */
        TRACKING("tracking", Basis.CONSENT, false, null, DataCategory.WEB),
        /**
         * Acceptance of the privacy policy, recorded at sign-up (and at a re-consent after a major change) with the
         * policy's version (PR-01). Not a purpose one grants or withdraws through the consent API.
         */
        POLICY("policy", Basis.ACCEPTANCE, true, null, DataCategory.CON),
        /**
         * Keeping the service safe: sign-in limits, security activity, sessions and their network prefixes (policy
         * Ⅰ.2.h; no consent asked, none can be withdrawn).
         */
        SECURITY("security", Basis.OPERATIONS_SECURITY, true, null, DataCategory.SEC, DataCategory.LOG),
        /**
         * Proof the operator must keep: the consent ledger, the archive of erasures (tombstones), rights-request
         * records (policy Ⅰ.2.k).
         */
        COMPLIANCE_RECORDS("compliance-records", Basis.LEGAL_OBLIGATION, true, null, DataCategory.CON);

        private final String id;
        private final Basis basis;
        private final boolean available;
        private final String partOf;
        private final EnumSet<DataCategory> categories;

        Purpose(String id, Basis basis, boolean available, String partOf, DataCategory first,
                DataCategory... more) {
            this.id = id;
            this.basis = basis;
            this.available = available;
            this.partOf = partOf;
            this.categories = EnumSet.of(first, more);
        }

        /** The data categories this purpose processes (the registry's declaration; a copy). */
        public java.util.Set<DataCategory> categories() {
            return EnumSet.copyOf(categories);
        }

        /** Whether this purpose is registered for {@code category} (the check of every guarded read: no copy). */
        public boolean covers(DataCategory category) {
            return categories.contains(category);
        }

        public String id() {
            return id;
        }

        public Basis basis() {
            return basis;
        }

        /**
         * The legal basis in the terms of the policy's section I.2 (PR-31): consent for a consent purpose and for the
         * acceptance of the policy, {@link LegalBasis#CONTRACT} (g) for a contract purpose.
         */
        public LegalBasis legalBasis() {
            return basis == Basis.CONTRACT ? LegalBasis.CONTRACT : LegalBasis.CONSENT;
        }

        /** Whether the product has a feature processing for this purpose now. */
        public boolean available() {
            return available;
        }

        /** The purpose whose consent covers this one (analysis is part of health data), if any. */
        public Optional<Purpose> partOf() {
            return partOf == null ? Optional.empty() : parse(partOf);
        }

        /** The purpose whose ledger entries decide this one: itself, or the purpose it is part of. */
        public Purpose decidedBy() {
            return partOf().orElse(this);
        }

        /**
         * Whether a person chooses it on its own: consent-based and not part of another purpose. These, and only
         * these, are granted and withdrawn in the privacy centre and through {@code POST /api/v1/me/consents}.
         */
        public boolean optional() {
            return basis == Basis.CONSENT && partOf == null;
        }

        /** i18n key of the purpose's short name. */
        public String nameKey() {
            return "privacy.purpose." + id + ".name";
        }

        /** i18n key of what the purpose means (what is processed, why). */
        public String whatKey() {
            return "privacy.purpose." + id + ".what";
        }

        /** i18n key of what stops when the consent is withdrawn (or, for a contract, why it cannot be). */
        public String stopsKey() {
            return "privacy.purpose." + id + ".stops";
        }

        /** The purposes a person can grant and withdraw, in registry order. */
        public static List<Purpose> optionalOnes() {
            return Arrays.stream(values()).filter(Purpose::optional).toList();
        }

        public static Optional<Purpose> parse(String id) {
            for (Purpose p : values()) {
                if (p.id.equals(id)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Whether processing for {@code purpose} is allowed now: a contract purpose always; a consent-based one when the
     * latest choice about it (or the purpose it is part of) is a grant and the person has accepted the current
     * major version of the policy; the policy when it was accepted.
     */
    boolean granted(UUID owner, Purpose purpose);

    /** Records a grant or a withdrawal, with the channel it came through (web, api, signup, demo…). */
    void record(UUID owner, Purpose purpose, boolean granted, String channel);

    /**
     * Records a grant or a withdrawal about one subject of a purpose (e.g. {@code share:<id>}, one recipient of the
     * sharing purpose), with its detail in {@code channel}. Such an event is kept in the ledger and listed to the
     * person, but never decides {@link #granted}: ending one share does not withdraw the purpose. A null subject is
     * {@link #record(UUID, Purpose, boolean, String)}.
     */
    default void record(UUID owner, Purpose purpose, boolean granted, String channel, String subject) {
        if (subject != null) {
            throw new UnsupportedOperationException("this ledger keeps no per-subject events");
        }
        record(owner, purpose, granted, channel);
    }

    /**
     * Whether the person must accept a new major version of the privacy policy before optional processing runs
     * again (PR-83); until then every consent-based purpose counts as not granted.
     */
    default boolean mustAcceptPolicy(UUID owner) {
        return false;
    }

    /**
     * Remembers a browser's "do not track me" signal ({@code dnt} or {@code gpc}) for the account: records a
     * withdrawal of {@link Purpose#TRACKING} with the signal as its channel, unless the person's latest choice about
     * tracking is a withdrawal already (so a signal sent with every page adds one event, not one per page).
     */
    default void rememberDoNotTrack(UUID owner, String signal) {
    }

    /** The people for whom {@link #granted} is true for a consent purpose now (the newsletter's recipients). */
    default List<UUID> grantedBy(Purpose purpose) {
        return List.of();
    }
}
