package org.mqcgm.server.privacy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The archive of privacy-policy versions (table {@code policy_version}, write-once in the database, PR-85). The
 * current version is the newest one in effect; on a first start the policy bundled with the server is published
 * as version 1. A major version (any of the six changes of section VIII, PR-84) published after the first must be
 * accepted by each person before their optional processing runs again (PR-83).
 */
public final class PolicyVersions {

    /** The notification channel on which a newly published version is announced to every node. */
    static final String PUBLISHED = "mqcgm_policy_published";

    /** The six kinds of major change of the policy's section VIII (1–6). */
    public enum Change {
        PURPOSE("changes_purpose"), OWNERSHIP("changes_ownership"), RECIPIENTS("changes_recipients"),
        RIGHTS("changes_rights"), CONTACTS("changes_contacts"), HIGH_RISK("changes_high_risk");

        final String column;

        Change(String column) {
            this.column = column;
        }

        /** The option value of {@code mqcgm admin publish-policy --change}. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        public static Optional<Change> parse(String id) {
            for (Change c : values()) {
                if (c.id().equals(id)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }

    /** One archived version. */
    public record Version(int number, String version, String sha256, String text, Instant effective,
                          Instant published, String summary, boolean major, Set<Change> changes) {
        /** Whether it is in effect at {@code now}. */
        public boolean inEffect(Instant now) {
            return !effective.isAfter(now);
        }
    }

    /** A publication refused (same text as an archived version; a minor version naming a major change…). */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    private static final String COLUMNS = """
            number, version, sha256, text, effective_at, published_at, summary, major, changes_purpose,
            changes_ownership, changes_recipients, changes_rights, changes_contacts, changes_high_risk""";

    private final Jdbi jdbi;
    private final Clock clock;
    /** The versions change rarely; every node re-reads them on a publication (NOTIFY) or after a minute. */
    private final com.github.benmanes.caffeine.cache.LoadingCache<String, List<Version>> cache;

    public PolicyVersions(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.cache = com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                .expireAfterWrite(Duration.ofMinutes(1))
                .build(k -> jdbi.withHandle(h -> h.createQuery("select " + COLUMNS
                                + " from policy_version order by number")
                        .map((rs, ctx) -> {
                            Set<Change> changes = EnumSet.noneOf(Change.class);
                            for (Change c : Change.values()) {
                                if (rs.getBoolean(c.column)) {
                                    changes.add(c);
                                }
                            }
                            return new Version(rs.getInt("number"), rs.getString("version"),
                                    rs.getString("sha256"), rs.getString("text"),
                                    rs.getObject("effective_at", OffsetDateTime.class).toInstant(),
                                    rs.getObject("published_at", OffsetDateTime.class).toInstant(),
                                    rs.getString("summary"), rs.getBoolean("major"), Set.copyOf(changes));
                        }).list()));
    }

    /** Drops what this node knows on a publication by any node or command. */
    void listen(org.mqcgm.server.platform.db.Notifications notifications) {
        notifications.on(PUBLISHED, payload -> cache.invalidateAll(), cache::invalidateAll);
    }

    /** The policy bundled with the server ({@code privacy/privacy-policy.txt}). */
    public static String bundled() {
        try (InputStream in = PolicyVersions.class.getResourceAsStream("/privacy/privacy-policy.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes the bundled policy as version 1 when no version exists (every node may try; one wins). */
    public void publishBundledIfNone() {
        String text = bundled();
        String hash = sha256(text);
        // The database keeps microseconds: a time rounded up there would lie after a clock that stands still.
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        jdbi.useHandle(h -> {
            int inserted = h.createUpdate("""
                            insert into policy_version (number, version, sha256, text, effective_at, published_at,
                                summary, major, changes_purpose, changes_ownership, changes_recipients, changes_rights,
                                changes_contacts, changes_high_risk)
                            select 1, :version, :sha256, :text, :at, :at, :summary, false, false, false, false, false,
                                false, false
                            where not exists (select 1 from policy_version)
                            on conflict do nothing""")
                    .bind("version", hash.substring(0, 16)).bind("sha256", hash).bind("text", text)
                    .bind("at", now.atOffset(ZoneOffset.UTC))
                    .bind("summary", "The first published version.")
                    .execute();
            if (inserted > 0) {
                org.mqcgm.server.platform.db.Notifications.send(h, PUBLISHED, "1");
            }
        });
        cache.invalidateAll();
    }

    /**
     * Publishes a new version. A version whose text is already archived, or a minor one naming any of the six
     * major changes, is refused. The effective time defaults to now; a time before now is refused.
     */
    public Version publish(String text, boolean major, Set<Change> changes, String summary, Instant effective) {
        return publish(text, major, changes, summary, effective, null);
    }

    /**
     * Publishes a new version by a server running with the controller contact {@code contact} (its canonical text,
     * PR-89; null: not compared). When the contact differs from the one the last version was published with, the
     * change is a change of contacts (section VIII.5): a minor publication is refused and a major one is marked
     * {@link Change#CONTACTS}. The contact is recorded with the version.
     */
    public Version publish(String text, boolean major, Set<Change> changes, String summary, Instant effective,
                           String contact) {
        if (contact != null) {
            Optional<RecordedContact> last = lastContact();
            if (last.isPresent() && !last.get().contact().equals(contact)) {
                if (!major) {
                    throw new Refused("the controller contact changed since version " + last.get().number()
                            + " was published (PR-89); a change of contacts is major (section VIII.5): publish it"
                            + " with --major --change contacts");
                }
                Set<Change> marked = EnumSet.of(Change.CONTACTS);
                marked.addAll(changes);
                changes = marked;
            }
        }
        return insert(text, major, changes, summary, effective, contact);
    }

    /** The controller contact a version was published with. */
    public record RecordedContact(int number, String contact) {
    }

    /** The contact recorded with the newest version that has one, if any. */
    public Optional<RecordedContact> lastContact() {
        return jdbi.withHandle(h -> h.createQuery(
                        "select number, contact from policy_contact order by number desc limit 1")
                .map((rs, ctx) -> new RecordedContact(rs.getInt("number"), rs.getString("contact"))).findOne());
    }

    /**
     * Records {@code contact} as the one the newest version was published with, when no contact is recorded at all
     * (the first start, or the first start of a server that records contacts): the baseline later publications
     * compare with. A contact recorded already is never replaced.
     */
    public void recordContactIfNone(String contact) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        jdbi.useHandle(h -> h.createUpdate("""
                        with newest as (select max(number) as n from policy_version)
                        insert into policy_contact (number, contact, recorded_at)
                        select n, :contact, :at from newest
                        where n is not null and not exists (select 1 from policy_contact)
                        on conflict do nothing""")
                .bind("contact", contact).bind("at", now.atOffset(ZoneOffset.UTC)).execute());
    }

    private Version insert(String text, boolean major, Set<Change> changes, String summary, Instant effective,
                           String contact) {
        if (!major && !changes.isEmpty()) {
            throw new Refused("a change of " + changes.stream().map(Change::id).sorted().toList()
                    + " is major (section VIII): publish it with --major");
        }
        if (summary == null || summary.isBlank() || summary.length() > 2000) {
            throw new Refused("the change summary must have 1 to 2000 characters");
        }
        if (text.isBlank()) {
            throw new Refused("the policy text is empty");
        }
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Instant from = effective == null ? now : effective.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        if (from.isBefore(now.minusSeconds(60))) {
            throw new Refused("the effective date lies in the past");
        }
        String hash = sha256(text);
        try {
            Version v = jdbi.inTransaction(h -> {
                // One publication at a time: the next number is decided under the lock.
                h.execute("lock table policy_version in share row exclusive mode");
                java.util.Optional<String> frozen = PolicyFreezes.frozen(h);
                if (frozen.isPresent()) {
                    throw new Refused("the privacy policy is frozen: " + frozen.get()
                            + "; no version can be published until that is completed or cancelled (PR-51)");
                }
                if (h.createQuery("select count(*) from policy_version where sha256 = :s").bind("s", hash)
                        .mapTo(Integer.class).one() > 0) {
                    throw new Refused("this text is already archived as a version");
                }
                int number = h.createQuery("select coalesce(max(number), 0) + 1 from policy_version")
                        .mapTo(Integer.class).one();
                h.createUpdate("insert into policy_version (" + COLUMNS + ") values (:number, :version, :sha256,"
                                + " :text, :effective, :published, :summary, :major, :purpose, :ownership,"
                                + " :recipients, :rights, :contacts, :highRisk)")
                        .bind("number", number).bind("version", hash.substring(0, 16)).bind("sha256", hash)
                        .bind("text", text).bind("effective", from.atOffset(ZoneOffset.UTC))
                        .bind("published", now.atOffset(ZoneOffset.UTC)).bind("summary", summary.strip())
                        .bind("major", major)
                        .bind("purpose", changes.contains(Change.PURPOSE))
                        .bind("ownership", changes.contains(Change.OWNERSHIP))
                        .bind("recipients", changes.contains(Change.RECIPIENTS))
                        .bind("rights", changes.contains(Change.RIGHTS))
                        .bind("contacts", changes.contains(Change.CONTACTS))
                        .bind("highRisk", changes.contains(Change.HIGH_RISK))
                        .execute();
                if (contact != null) {
                    h.createUpdate("insert into policy_contact (number, contact, recorded_at)"
                                    + " values (:number, :contact, :at)")
                            .bind("number", number).bind("contact", contact)
                            .bind("at", now.atOffset(ZoneOffset.UTC)).execute();
                }
                org.mqcgm.server.platform.db.Notifications.send(h, PUBLISHED, Integer.toString(number));
                return new Version(number, hash.substring(0, 16), hash, text, from, now, summary.strip(), major,
                        Set.copyOf(changes));
            });
            cache.invalidateAll();
            return v;
        } catch (UnableToExecuteStatementException e) {
            throw new Refused("the database refused the version: " + org.mqcgm.server.platform.db.SafeErrors
                    .describe(e));
        }
    }

    /** Every archived version, oldest first (future ones included). */
    public List<Version> all() {
        return cache.get("all");
    }

    public Optional<Version> byNumber(int number) {
        return all().stream().filter(v -> v.number() == number).findFirst();
    }

    public Optional<Version> byVersion(String version) {
        return all().stream().filter(v -> v.version().equals(version)).findFirst();
    }

    /**
     * The version in force now: the newest one whose effective time has come (the first one should the clock stand
     * before it).
     */
    public Version current() {
        Instant now = clock.instant();
        List<Version> all = all();
        if (all.isEmpty()) {
            throw new IllegalStateException("no privacy policy is published");
        }
        return all.stream().filter(v -> v.inEffect(now)).reduce((a, b) -> b).orElse(all.getFirst());
    }

    /** A published version that is not in effect yet (announced ahead), if any. */
    public Optional<Version> upcoming() {
        Instant now = clock.instant();
        return all().stream().filter(v -> !v.inEffect(now)).findFirst();
    }

    /**
     * The number of the newest major version in effect that people must accept (0 when none: the first version is
     * the baseline every account started with).
     */
    int requiredNumber() {
        Instant now = clock.instant();
        return all().stream().filter(v -> v.major() && v.number() > 1 && v.inEffect(now))
                .mapToInt(Version::number).max().orElse(0);
    }

    /** The newest minor version in effect after the newest major one, if any (shown once as a notice). */
    Optional<Version> minorNotice() {
        Version current = current();
        return current.major() || current.number() == 1 ? Optional.empty() : Optional.of(current);
    }

    /** The highest version number the person has accepted (0 when none). */
    int acceptedNumber(Handle h, UUID owner) {
        List<String> accepted = h.createQuery("""
                        select distinct policy_version from consent_event
                        where owner_id = :owner and purpose = 'policy' and granted""")
                .bind("owner", owner).mapTo(String.class).list();
        return accepted.stream().map(this::byVersion).flatMap(Optional::stream).mapToInt(Version::number)
                .max().orElse(0);
    }
}
