package org.mqcgm.server.accounts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.platform.web.Language;

/**
 * The SQL of accounts. Identifiers are stored encrypted with the owner's key plus a blind index per kind, so an
 * account is found by e-mail or phone without either being readable in the database (PR-10).
 */
public final class AccountStore {

    static final String EMAIL_CONTEXT = "account.email";
    static final String PHONE_CONTEXT = "account.phone";
    static final String TOTP_CONTEXT = "account.totp";

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final DeploymentSecrets secrets;

    public AccountStore(Jdbi jdbi, UserKeys keys, DeploymentSecrets secrets) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.secrets = secrets;
    }

    /**
     * What login needs, before anything is decrypted.
     *
     * @param lockedUntil end of a temporary lock, or null
     */
    record Row(UUID id, String passwordHash, String status, Instant lockedUntil, boolean twoFactor,
               boolean mustResetPassword) {
    }

    /** Thrown when the identifier is already registered. */
    static final class IdentifierTaken extends RuntimeException {
        IdentifierTaken() {
            super("identifier already registered", null, false, false);
        }
    }

    byte[] index(Identifier identifier) {
        return secrets.pseudonym(identifier.indexPurpose(), identifier.value());
    }

    /**
     * The identifier's index under every kept version of the deployment secret, the current first: an account whose
     * index was not yet recomputed after a rotation is still found (issue 16, V1.6.3).
     */
    byte[][] indexes(Identifier identifier) {
        return secrets.pseudonyms(identifier.indexPurpose(), identifier.value()).toArray(byte[][]::new);
    }

    /** Whether another account holds the identifier under an older version of the deployment secret. */
    private boolean takenUnderOlderVersion(Handle h, Identifier identifier, UUID except) {
        byte[][] all = indexes(identifier);
        if (all.length < 2) {
            return false;
        }
        return h.createQuery("select exists (select 1 from account where " + identifier.indexColumn()
                        + " = any(:old::bytea[]) and id <> :id)")
                .bind("old", java.util.Arrays.copyOfRange(all, 1, all.length)).bind("id", except)
                .mapTo(Boolean.class).one();
    }

    /**
     * Recomputes every account's e-mail and phone index under the current version of the deployment secret from
     * the encrypted identifiers, one account per statement; returns how many changed. Run by
     * {@code mqcgm keys rotate-deployment-secret} and again before the old version is retired.
     */
    public int recomputeIndexes() {
        int changed = 0;
        UUID after = new UUID(0, 0);
        while (true) {
            UUID from = after;
            List<Map<String, Object>> batch = jdbi.withHandle(h -> h.createQuery("""
                            select id, email_index, email_enc, phone_index, phone_enc from account
                            where id > :after order by id limit 200""")
                    .bind("after", from).mapToMap().list());
            if (batch.isEmpty()) {
                return changed;
            }
            for (Map<String, Object> row : batch) {
                UUID id = (UUID) row.get("id");
                try {
                    changed += recompute(id, "email", EMAIL_CONTEXT, "email-index", row);
                    changed += recompute(id, "phone", PHONE_CONTEXT, "phone-index", row);
                } catch (UserKeys.KeyDestroyedException e) {
                    // a closed account's identifiers are shredded: nothing to find it by
                }
            }
            after = (UUID) batch.getLast().get("id");
        }
    }

    private int recompute(UUID id, String column, String context, String purpose, Map<String, Object> row) {
        byte[] enc = (byte[]) row.get(column + "_enc");
        byte[] index = (byte[]) row.get(column + "_index");
        if (enc == null || index == null) {
            return 0;
        }
        byte[] current = secrets.pseudonym(purpose, keys.decryptString(id, context, enc));
        if (java.util.Arrays.equals(current, index)) {
            return 0;
        }
        return jdbi.withHandle(h -> h.createUpdate("update account set " + column + "_index = :n where id = :id and "
                        + column + "_index = :o").bind("n", current).bind("id", id).bind("o", index).execute());
    }

    /** How many password hashes are peppered with an older version of the deployment secret than the current one. */
    public int hashesUnderOlderPepper() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select count(*) from account
                        where substring(password_hash from '^p([0-9]+)\\$')::int < :v""")
                .bind("v", secrets.version()).mapTo(Integer.class).one());
    }

    /** Marks every account whose password hash uses an older pepper as having to reset it; returns how many. */
    public int requireResetUnderOlderPepper() {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update account set must_reset_password = true
                        where substring(password_hash from '^p([0-9]+)\\$')::int < :v""")
                .bind("v", secrets.version()).execute());
    }

    UUID insert(Identifier identifier, String passwordHash, ZoneId zone, Language language) {
        UUID id = UUID.randomUUID();
        try {
            jdbi.useTransaction(h -> {
                if (takenUnderOlderVersion(h, identifier, id)) {
                    throw new IdentifierTaken();
                }
                keys.create(h, id);
                String column = identifier instanceof Identifier.Email ? "email" : "phone";
                h.createUpdate("insert into account (id, " + column + "_index, " + column + "_enc, password_hash,"
                                + " password_changed_at, time_zone, locale) values (:id, :index, :enc, :hash, now(),"
                                + " :zone, :locale)")
                        .bind("id", id)
                        .bind("index", index(identifier))
                        .bind("enc", keys.encrypt(id, contextOf(identifier), identifier.value()))
                        .bind("hash", passwordHash)
                        .bind("zone", zone.getId())
                        .bind("locale", language.tag())
                        .execute();
                h.createUpdate("insert into account_role (owner_id, role) values (:id, 'user')")
                        .bind("id", id).execute();
            });
        } catch (UnableToExecuteStatementException e) {
            if (isUniqueViolation(e)) {
                throw new IdentifierTaken();
            }
            throw e;
        }
        return id;
    }

    static boolean isUniqueViolation(UnableToExecuteStatementException e) {
        return e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState());
    }

    private static String contextOf(Identifier identifier) {
        return identifier instanceof Identifier.Email ? EMAIL_CONTEXT : PHONE_CONTEXT;
    }

    Optional<Row> findByIdentifier(Identifier identifier) {
        return jdbi.withHandle(h -> h.createQuery("select id, password_hash, status, locked_until,"
                        + " totp_enabled_at is not null as two_factor, must_reset_password from account where "
                        + identifier.indexColumn() + " = any(:index::bytea[]) order by " + identifier.indexColumn()
                        + " = :current desc limit 1")
                .bind("index", indexes(identifier)).bind("current", index(identifier))
                .map((rs, ctx) -> row(rs))
                .findOne());
    }

    Optional<Row> row(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select id, password_hash, status, locked_until,"
                        + " totp_enabled_at is not null as two_factor, must_reset_password from account where id = :id")
                .bind("id", id)
                .map((rs, ctx) -> row(rs))
                .findOne());
    }

    private static Row row(ResultSet rs) throws SQLException {
        OffsetDateTime locked = rs.getObject("locked_until", OffsetDateTime.class);
        return new Row(rs.getObject("id", UUID.class), rs.getString("password_hash"), rs.getString("status"),
                locked == null ? null : locked.toInstant(), rs.getBoolean("two_factor"),
                rs.getBoolean("must_reset_password"));
    }

    public Optional<Account> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select a.id, a.email_enc, a.phone_enc, a.time_zone, a.glucose_unit, a.locale,
                               a.totp_enabled_at is not null as two_factor,
                               array(select role from account_role r where r.owner_id = a.id) as roles
                        from account a where a.id = :id""")
                .bind("id", id)
                .map((rs, ctx) -> new Account(
                        id,
                        decrypt(id, EMAIL_CONTEXT, rs.getBytes("email_enc")),
                        decrypt(id, PHONE_CONTEXT, rs.getBytes("phone_enc")),
                        zone(rs.getString("time_zone")),
                        GlucoseUnit.parse(rs.getString("glucose_unit")).orElse(GlucoseUnit.MG_DL),
                        Language.parse(rs.getString("locale")).orElse(Language.EN),
                        roles((String[]) rs.getArray("roles").getArray()),
                        rs.getBoolean("two_factor")))
                .findOne());
    }

    private String decrypt(UUID id, String context, byte[] ciphertext) {
        return ciphertext == null ? null : keys.decryptString(id, context, ciphertext);
    }

    static Set<Role> roles(String[] ids) {
        Set<Role> out = EnumSet.noneOf(Role.class);
        for (String r : ids) {
            out.add(Role.valueOf(r.toUpperCase(java.util.Locale.ROOT)));
        }
        return out;
    }

    /** The roles of an account (read at every request through the session or token lookup). */
    Set<Role> roles(Handle h, UUID id) {
        return roles(h.createQuery("select coalesce(array_agg(role), '{}') from account_role where owner_id = :id")
                .bind("id", id).mapTo(String[].class).one());
    }

    void grantRole(UUID id, Role role) {
        jdbi.useHandle(h -> h.createUpdate("insert into account_role (owner_id, role) values (:id, :role)"
                        + " on conflict do nothing")
                .bind("id", id).bind("role", role.id()).execute());
    }

    void updatePasswordHash(UUID id, String hash, boolean changedByUser) {
        jdbi.useHandle(h -> h.createUpdate("update account set password_hash = :hash"
                        + (changedByUser ? ", password_changed_at = now(), must_reset_password = false,"
                                + " password_change_required_at = null" : "")
                        + " where id = :id")
                .bind("hash", hash).bind("id", id).execute());
    }

    /**
     * Marks that the account's password must be changed before its sessions do anything else (ASVS V2.1.7: found
     * among the breached or common passwords at a login); true when it was not marked yet.
     */
    boolean requirePasswordChange(UUID id, java.time.Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update account set password_change_required_at = :at
                        where id = :id and password_change_required_at is null""")
                .bind("at", at.atOffset(java.time.ZoneOffset.UTC)).bind("id", id).execute()) > 0;
    }

    /** Whether the account's password must be changed first ({@link #requirePasswordChange}). */
    boolean passwordChangeRequired(UUID id) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select password_change_required_at is not null from account where id = :id")
                .bind("id", id).mapTo(Boolean.class).findOne().orElse(false));
    }

    void setMustResetPassword(UUID id) {
        jdbi.useHandle(h -> h.createUpdate("update account set must_reset_password = true where id = :id")
                .bind("id", id).execute());
    }

    /** Replaces the e-mail or phone of an account. */
    void changeIdentifier(UUID id, Identifier identifier) {
        String column = identifier instanceof Identifier.Email ? "email" : "phone";
        try {
            jdbi.useHandle(h -> {
                if (takenUnderOlderVersion(h, identifier, id)) {
                    throw new IdentifierTaken();
                }
            });
            jdbi.useHandle(h -> h.createUpdate("update account set " + column + "_index = :index, " + column
                            + "_enc = :enc where id = :id")
                    .bind("index", index(identifier))
                    .bind("enc", keys.encrypt(id, contextOf(identifier), identifier.value()))
                    .bind("id", id)
                    .execute());
        } catch (UnableToExecuteStatementException e) {
            if (isUniqueViolation(e)) {
                throw new IdentifierTaken();
            }
            throw e;
        }
    }

    // Two-factor secret: stored encrypted. A new secret waits in its own column until a code from it is confirmed,
    // so setting up a new phone never turns off the active one.

    void setPendingTotp(UUID id, byte[] secret) {
        jdbi.useHandle(h -> h.createUpdate("update account set totp_pending_enc = :s where id = :id")
                .bind("s", keys.encrypt(id, TOTP_CONTEXT, secret)).bind("id", id).execute());
    }

    /** A secret being set up: the secret, and its stored form (to activate exactly that one). */
    record PendingTotp(byte[] secret, byte[] stored) {
    }

    Optional<PendingTotp> pendingTotp(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select totp_pending_enc from account where id = :id"
                        + " and totp_pending_enc is not null")
                .bind("id", id)
                .map((rs, ctx) -> new PendingTotp(keys.decrypt(id, TOTP_CONTEXT, rs.getBytes(1)), rs.getBytes(1)))
                .findOne());
    }

    /** Makes the pending secret the active one, with its first used step; false when it changed meanwhile. */
    boolean activatePendingTotp(UUID id, byte[] stored, long step) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update account set totp_secret_enc = totp_pending_enc, totp_pending_enc = null,
                                           totp_enabled_at = now(), totp_last_step = :step
                        where id = :id and totp_pending_enc = :stored""")
                .bind("step", step).bind("id", id).bind("stored", stored).execute()) == 1;
    }

    /** The active TOTP secret and the last step used. */
    Optional<TotpState> totp(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select totp_secret_enc, totp_enabled_at is not null as enabled,"
                        + " coalesce(totp_last_step, -1) as last_step from account where id = :id"
                        + " and totp_secret_enc is not null")
                .bind("id", id)
                .map((rs, ctx) -> new TotpState(keys.decrypt(id, TOTP_CONTEXT, rs.getBytes("totp_secret_enc")),
                        rs.getBoolean("enabled"), rs.getLong("last_step")))
                .findOne());
    }

    record TotpState(byte[] secret, boolean enabled, long lastStep) {
    }

    /** Records a used step; false when another request used the same or a later step first (replay). */
    boolean useTotpStep(UUID id, long step) {
        return jdbi.withHandle(h -> h.createUpdate("update account set totp_last_step = :step"
                        + " where id = :id and coalesce(totp_last_step, -1) < :step")
                .bind("step", step).bind("id", id).execute()) == 1;
    }

    void disableTotp(UUID id) {
        jdbi.useTransaction(h -> {
            h.createUpdate("update account set totp_secret_enc = null, totp_pending_enc = null,"
                    + " totp_enabled_at = null, totp_last_step = null where id = :id").bind("id", id).execute();
            h.createUpdate("delete from recovery_code where owner_id = :id").bind("id", id).execute();
        });
    }

    void updatePreferences(UUID id, Optional<GlucoseUnit> unit, Optional<Language> language) {
        jdbi.useHandle(h -> {
            unit.ifPresent(u -> h.createUpdate("update account set glucose_unit = :u where id = :id")
                    .bind("u", u.symbol()).bind("id", id).execute());
            language.ifPresent(l -> h.createUpdate("update account set locale = :l where id = :id")
                    .bind("l", l.tag()).bind("id", id).execute());
        });
    }

    void updateTimeZone(UUID id, ZoneId zone) {
        jdbi.useTransaction(h -> {
            h.createUpdate("update account set time_zone = :z where id = :id")
                    .bind("z", zone.getId()).bind("id", id).execute();
            // Every node forgets its cached zone of this account when this commits (several nodes).
            org.mqcgm.server.platform.db.Notifications.send(h, ZONE_CHANNEL, id.toString());
        });
        zones.invalidate(id);
    }

    /** The channel on which a changed home zone is announced to every node (payload: the account id). */
    static final String ZONE_CHANNEL = "mqcgm_account_zone";

    /**
     * Forgets, on this node, the zone another node changed; a lost notification connection forgets every zone
     * (a notice may have been missed).
     */
    void listen(org.mqcgm.server.platform.db.Notifications notifications) {
        notifications.on(ZONE_CHANNEL, payload -> {
            try {
                zones.invalidate(UUID.fromString(payload));
            } catch (IllegalArgumentException e) {
                zones.invalidateAll();
            }
        }, zones::invalidateAll);
    }

    private final com.github.benmanes.caffeine.cache.Cache<UUID, ZoneId> zones =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000)
                    .expireAfterWrite(java.time.Duration.ofMinutes(5)).build();

    /** The home time zone of an account (UTC for an unknown one); cached briefly. */
    public ZoneId timeZone(UUID id) {
        return zones.get(id, k -> jdbi.withHandle(h -> h.createQuery("select time_zone from account where id = :id")
                .bind("id", id).mapTo(String.class).findOne().map(AccountStore::zone).orElse(ZoneId.of("UTC"))));
    }

    static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneId.of("UTC");
        }
    }

    Jdbi jdbi() {
        return jdbi;
    }
}
