package org.mqcgm.server.accounts;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.web.Language;

/** The SQL of accounts. E-mail addresses are stored encrypted with the owner's key plus a blind index. */
public final class AccountStore {

    static final String EMAIL_CONTEXT = "account.email";
    static final String EMAIL_INDEX_PURPOSE = "email-index";

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final DeploymentSecrets secrets;

    public AccountStore(Jdbi jdbi, UserKeys keys, DeploymentSecrets secrets) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.secrets = secrets;
    }

    /** A row as stored, before decryption. */
    record Row(UUID id, String passwordHash, String status) {
    }

    /** Thrown when the e-mail is already registered. */
    static final class EmailTaken extends RuntimeException {
        EmailTaken() {
            super("e-mail already registered", null, false, false);
        }
    }

    UUID insert(EmailAddress email, String passwordHash, ZoneId zone, Language language) {
        UUID id = UUID.randomUUID();
        byte[] index = secrets.pseudonym(EMAIL_INDEX_PURPOSE, email.value());
        try {
            jdbi.useTransaction(h -> {
                keys.create(h, id);
                h.createUpdate("""
                                insert into account (id, email_index, email_enc, password_hash, time_zone, locale)
                                values (:id, :index, :email, :hash, :zone, :locale)""")
                        .bind("id", id)
                        .bind("index", index)
                        .bind("email", keys.encrypt(id, EMAIL_CONTEXT, email.value()))
                        .bind("hash", passwordHash)
                        .bind("zone", zone.getId())
                        .bind("locale", language.tag())
                        .execute();
                h.createUpdate("insert into account_role (owner_id, role) values (:id, 'user')")
                        .bind("id", id).execute();
            });
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                throw new EmailTaken();
            }
            throw e;
        }
        return id;
    }

    Optional<Row> findByEmail(EmailAddress email) {
        byte[] index = secrets.pseudonym(EMAIL_INDEX_PURPOSE, email.value());
        return jdbi.withHandle(h -> h.createQuery(
                        "select id, password_hash, status from account where email_index = :index")
                .bind("index", index)
                .map((rs, ctx) -> new Row(rs.getObject("id", UUID.class), rs.getString("password_hash"),
                        rs.getString("status")))
                .findOne());
    }

    public Optional<Account> find(UUID id) {
        return jdbi.withHandle(h -> find(h, id));
    }

    Optional<Account> find(Handle h, UUID id) {
        return h.createQuery("select id, email_enc, time_zone, glucose_unit, locale from account where id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Account(
                        id,
                        keys.decryptString(id, EMAIL_CONTEXT, rs.getBytes("email_enc")),
                        zone(rs.getString("time_zone")),
                        GlucoseUnit.parse(rs.getString("glucose_unit")).orElse(GlucoseUnit.MG_DL),
                        Language.parse(rs.getString("locale")).orElse(Language.EN)))
                .findOne();
    }

    void updatePasswordHash(UUID id, String hash) {
        jdbi.useHandle(h -> h.createUpdate("update account set password_hash = :hash where id = :id")
                .bind("hash", hash).bind("id", id).execute());
    }

    void updatePreferences(UUID id, Optional<GlucoseUnit> unit, Optional<Language> language) {
        jdbi.useHandle(h -> {
            unit.ifPresent(u -> h.createUpdate("update account set glucose_unit = :u where id = :id")
                    .bind("u", u.symbol()).bind("id", id).execute());
            language.ifPresent(l -> h.createUpdate("update account set locale = :l where id = :id")
                    .bind("l", l.tag()).bind("id", id).execute());
        });
    }

    static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneId.of("UTC");
        }
    }
}
