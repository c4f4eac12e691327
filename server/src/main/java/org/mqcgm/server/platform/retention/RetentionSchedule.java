package org.mqcgm.server.platform.retention;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How long each category of data is kept (A-01, PR-54): the defaults of the requirements' retention table, and the
 * deployment's settings, which may only shorten a period unless a written justification (a legal hold's basis or a
 * DPO-signed reason) is given for a longer one. Framework-free and public: the retention job enforces it, the privacy
 * notice and {@code /privacy/processing.json} publish it.
 */
public final class RetentionSchedule {

    /** Where the rows of a category are deleted or anonymised. */
    public enum Enforcement {
        /** By the daily retention job, through the feature's {@link Expiry}. */
        RETENTION_JOB,
        /** By the inactive-accounts step of the retention job (notice, then erasure through the cancellation path). */
        INACTIVITY,
        /** Nothing holds data of this category: the period is a promise that binds any future store. */
        NOTHING_STORED
    }

    /**
     * One category of data.
     *
     * @param id          stable name ({@code crash-reports}); also the configuration suffix
     *                    ({@code MQCGM_RETENTION_CRASH_REPORTS})
     * @param covers      what it covers, in plain words
     * @param period      how long it is kept, counted from {@link #from}
     * @param from        what the period is counted from (created, closed, unlinked, last activity…)
     * @param source      where the default comes from (the requirements' table, or the product's own choice)
     * @param enforcement what enforces it
     */
    public record Category(String id, String covers, Duration period, String from, String source,
                           Enforcement enforcement) {

        Category withPeriod(Duration p) {
            return new Category(id, covers, p, from, source, enforcement);
        }
    }

    private static final String TABLE = "privacy requirements, Part 2 \"Retention defaults\" (A-01)";

    private static final List<Category> DEFAULTS = List.of(
            new Category("security-events", "security activity of an account: sign-ins, password and second-factor"
                    + " changes, devices, with the network prefix", Duration.ofDays(180), "the event",
                    TABLE + ": security/auth logs 180 days", Enforcement.RETENTION_JOB),
            new Category("report-log", "the log of reports made from a person's readings (when, period, format;"
                    + " no values)", Duration.ofDays(180), "the report",
                    "mqcgm: an access log, kept as long as security logs (180 days)", Enforcement.RETENTION_JOB),
            new Category("web-sessions", "ended web sessions (expired or logged out)", Duration.ofDays(1),
                    "the session's end", "mqcgm: a credential that no longer works is not kept",
                    Enforcement.RETENTION_JOB),
            new Category("api-tokens-revoked", "revoked API tokens (name, scopes, times; only a hash of the token)",
                    Duration.ofDays(30), "the revocation",
                    "mqcgm: kept 30 days so the owner sees what was revoked", Enforcement.RETENTION_JOB),
            new Category("idempotency-keys", "upload receipts: the answer to an upload with an Idempotency-Key",
                    Duration.ofDays(1), "the upload", "mqcgm API: a key is replayable for one day",
                    Enforcement.RETENTION_JOB),
            new Category("crash-reports", "scrubbed crash reports (install id, never the account)",
                    Duration.ofDays(90), "the report", TABLE + ": crash reports 90 days",
                    Enforcement.RETENTION_JOB),
            new Category("devices-unlinked", "device records (model, OS and app version) after the device is"
                    + " unlinked; the push alias is deleted at the unlink", Duration.ofDays(90), "the unlink",
                    TABLE + ": device records 90 days after unlink", Enforcement.RETENTION_JOB),
            new Category("support-tickets", "closed support tickets: subject, messages and grants are deleted, a"
                    + " count by category and month is kept without the person", Duration.ofDays(730),
                    "the close", TABLE + ": support tickets 2 years after closing", Enforcement.RETENTION_JOB),
            new Category("support-attachments", "images attached to support messages", Duration.ofDays(30),
                    "the upload", "mqcgm: attachments are needed only while a request is worked on",
                    Enforcement.RETENTION_JOB),
            new Category("application-logs", "the server's log files (redacted: no values, bodies, tokens;"
                    + " addresses and phone numbers masked)", Duration.ofDays(30), "the file's last write",
                    TABLE + ": application logs 30 days", Enforcement.RETENTION_JOB),
            new Category("search-queries", "what people type into search", Duration.ofDays(7), "the search",
                    TABLE + ": search queries 7 days (mqcgm stores and logs none)", Enforcement.NOTHING_STORED),
            new Category("email-events", "e-mail click and open events", Duration.ofDays(365), "the event",
                    TABLE + ": 12 months (mqcgm tracks no clicks or opens)", Enforcement.NOTHING_STORED),
            new Category("egress-log", "the log of transfers to declared recipients and of refused transfers"
                    + " (recipient, purpose, categories, counts; never the data)", Duration.ofDays(1095),
                    "the transfer", TABLE + ": consent ledger and DSAR records 3 years (the proof of each transfer"
                    + " and of the consent behind it; erased with the account)", Enforcement.RETENTION_JOB),
            new Category("purpose-violations", "refused reads of personal data for a purpose not registered for"
                    + " its category (purpose, category, operation)", Duration.ofDays(180), "the event",
                    TABLE + ": security/auth logs 180 days", Enforcement.RETENTION_JOB),
            new Category("incident-deliveries", "whom a security-incident notice reached, by which channel and"
                    + " when", Duration.ofDays(1095), "the last delivery step",
                    TABLE + ": consent ledger and DSAR records 3 years (the proof the person was told)",
                    Enforcement.RETENTION_JOB),
            new Category("rights-requests-closed", "closed rights requests: the request, the answer, the contact,"
                    + " evidence and the case's history", Duration.ofDays(1095), "the close",
                    TABLE + ": DSAR records 3 years", Enforcement.RETENTION_JOB),
            new Category("child-reports-closed", "decided reports of a child's account: the reporter's address,"
                    + " the details, the outcome", Duration.ofDays(1095), "the decision",
                    TABLE + ": DSAR records 3 years (a report is a request to the controller)",
                    Enforcement.RETENTION_JOB),
            new Category("guardian-invitations", "guardian invitations that expired or were used: the invited"
                    + " contact (encrypted) and a hash of the code; the guardianship itself is kept",
                    Duration.ofDays(1), "the expiry or the acceptance",
                    TABLE + ": OTP tokens 15 minutes (kept one day, as ended sessions: a code that no longer"
                    + " works is not kept)", Enforcement.RETENTION_JOB),
            new Category("inactive-accounts", "an account and all its data after 24 months without a sign-in or"
                    + " upload: a notice, then erasure 30 days later unless the person comes back",
                    Duration.ofDays(730), "the last sign-in or upload", TABLE + ": inactive account (A-02)",
                    Enforcement.INACTIVITY));

    /** The notice before an inactive account is erased. */
    public static final Duration INACTIVITY_NOTICE = Duration.ofDays(30);

    private final Map<String, Category> categories;
    private final Map<String, String> justifications;

    private RetentionSchedule(Map<String, Category> categories, Map<String, String> justifications) {
        this.categories = categories;
        this.justifications = justifications;
    }

    /** The defaults of the requirements' retention table. */
    public static RetentionSchedule defaults() {
        Map<String, Category> m = new LinkedHashMap<>();
        DEFAULTS.forEach(c -> m.put(c.id(), c));
        return new RetentionSchedule(m, Map.of());
    }

    /**
     * The schedule with a deployment's periods. A period may be shorter than the default; a longer one needs a
     * written justification for that category (a legal obligation, signed off by the DPO), and none may be zero or
     * negative.
     *
     * @throws IllegalArgumentException naming the category and the rule
     */
    public RetentionSchedule configured(Map<String, Duration> periods, Map<String, String> justifications) {
        Map<String, Category> m = new LinkedHashMap<>(categories);
        Map<String, String> why = new LinkedHashMap<>(this.justifications);
        for (Map.Entry<String, String> j : justifications.entrySet()) {
            if (!m.containsKey(j.getKey())) {
                throw new IllegalArgumentException("no retention category " + j.getKey());
            }
            if (j.getValue() != null && !j.getValue().isBlank()) {
                why.put(j.getKey(), j.getValue().strip());
            }
        }
        for (Map.Entry<String, Duration> p : periods.entrySet()) {
            Category c = m.get(p.getKey());
            if (c == null) {
                throw new IllegalArgumentException("no retention category " + p.getKey());
            }
            Duration d = p.getValue();
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(p.getKey() + ": the period must be positive");
            }
            Duration standard = find(DEFAULTS, c.id()).period();
            if (d.compareTo(standard) > 0 && !why.containsKey(c.id())) {
                throw new IllegalArgumentException(p.getKey() + ": " + d + " is longer than the default " + standard
                        + "; a longer period needs a written justification (a legal obligation)");
            }
            m.put(c.id(), c.withPeriod(d));
        }
        return new RetentionSchedule(m, why);
    }

    private static Category find(List<Category> list, String id) {
        return list.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    /** Every category, in a stable order. */
    public List<Category> categories() {
        return List.copyOf(categories.values());
    }

    public Optional<Category> category(String id) {
        return Optional.ofNullable(categories.get(id));
    }

    /**
     * How long the category is kept in this deployment.
     *
     * @throws IllegalArgumentException for an unknown category
     */
    public Duration period(String id) {
        Category c = categories.get(id);
        if (c == null) {
            throw new IllegalArgumentException("no retention category " + id);
        }
        return c.period();
    }

    /** The default period of a category (the requirements' table). */
    public static Duration defaultPeriod(String id) {
        return DEFAULTS.stream().filter(c -> c.id().equals(id)).findFirst().map(Category::period)
                .orElseThrow(() -> new IllegalArgumentException("no retention category " + id));
    }

    /** The written justification for a period longer than the default, if one was given. */
    public Optional<String> justification(String id) {
        return Optional.ofNullable(justifications.get(id));
    }

    /**
     * The schedule from settings named {@code MQCGM_RETENTION_<CATEGORY>} (an ISO-8601 duration such as
     * {@code P30D}, or a number of days) and {@code MQCGM_RETENTION_<CATEGORY>_JUSTIFICATION}.
     */
    public static RetentionSchedule fromSettings(Map<String, String> settings) {
        Map<String, Duration> periods = new LinkedHashMap<>();
        Map<String, String> why = new LinkedHashMap<>();
        for (Category c : DEFAULTS) {
            String key = "MQCGM_RETENTION_" + c.id().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            String value = settings.get(key);
            if (value != null && !value.isBlank()) {
                periods.put(c.id(), parse(key, value.strip()));
            }
            String j = settings.get(key + "_JUSTIFICATION");
            if (j != null && !j.isBlank()) {
                why.put(c.id(), j);
            }
        }
        return defaults().configured(periods, why);
    }

    private static Duration parse(String key, String value) {
        try {
            return value.chars().allMatch(Character::isDigit) ? Duration.ofDays(Long.parseLong(value))
                    : Duration.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": must be a number of days or an ISO-8601 duration such as"
                    + " P30D (got '" + value + "')");
        }
    }
}
