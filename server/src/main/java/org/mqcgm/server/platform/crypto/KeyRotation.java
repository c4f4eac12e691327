package org.mqcgm.server.platform.crypto;

import com.google.crypto.tink.KeysetHandle;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.ConfigException;

/**
 * Re-wraps everything the master key protects under the current master key ({@code mqcgm keys rotate}), while the
 * server keeps serving: each user's data key in its own small transaction (row locked, re-wrapped, its key id
 * updated), then the deployment secrets, then the values sealed for no account yet. During the rotation the server
 * runs with the new key and the previous one ({@code MQCGM_MASTER_KEY_PREVIOUS_URI}), so a record under either opens.
 * TOTP secrets and every other per-user ciphertext are encrypted with the user's data key, whose bytes do not change:
 * re-wrapping the data key re-protects them all.
 *
 * <p>At start the server labels records that predate recorded key ids and refuses to start when a record is wrapped
 * by a key that is not configured ({@link #checkAtStart}): removing the previous key before the rotation finished
 * is a configuration error, not lost data.
 */
public final class KeyRotation {

    /** How many user keys are listed per round; each is re-wrapped in its own transaction. */
    private static final int BATCH = 100;

    /** A column holding values sealed with the master key ({@code DeploymentSecrets#seal}), and its context. */
    record Sealed(String table, String column, String context) {
    }

    /**
     * Every column written through {@code DeploymentSecrets.seal}. A feature that seals a new column adds it here
     * (rows where the value is encrypted with a user's key instead, e.g. a rights request of an account, do not open
     * with the master key and are left alone).
     */
    static final List<Sealed> SEALED = List.of(
            new Sealed("registration", "identifier_enc", "registration.identifier"),
            new Sealed("registration", "birth_date_enc", "registration.birth-date"),
            new Sealed("one_time_code", "target_enc", "account.identifier-change"),
            new Sealed("child_report", "reporter_enc", "child-report.reporter"),
            new Sealed("child_report", "details_enc", "child-report.details"),
            new Sealed("rights_request", "request_enc", "rights-request"),
            new Sealed("rights_request", "contact_enc", "rights-request-contact"),
            new Sealed("rights_request", "answer_enc", "rights-answer"),
            new Sealed("rights_request", "evidence_enc", "rights-evidence"),
            new Sealed("rights_request", "fee_justification_enc", "rights-fee"));

    /** The deployment secrets by name and the context each is bound to. */
    private static Map<String, byte[]> secretContexts() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("root", DeploymentSecrets.CONTEXT);
        m.put(VapidKeys.NAME, VapidKeys.CONTEXT);
        return m;
    }

    /** As {@link #secretContexts()}, with every kept version of the root secret ({@code root.v<n>}). */
    private static Map<String, byte[]> secretContexts(Jdbi jdbi) {
        Map<String, byte[]> m = secretContexts();
        jdbi.withHandle(h -> h.createQuery("select name from deployment_secret order by name").mapTo(String.class)
                .list()).stream().filter(n -> DeploymentSecrets.version(n) > 0)
                .forEach(n -> m.put(n, DeploymentSecrets.CONTEXT));
        return m;
    }

    /** What a rotation did. {@code failed} counts records it could not re-wrap (named in the log, never their value). */
    public record Result(int userKeys, int deploymentSecrets, int sealedValues, int failed) {
    }

    private KeyRotation() {
    }

    /** Re-wraps every record not yet under {@code master}'s current key; {@code log} gets one line per step. */
    public static Result rotate(Jdbi jdbi, MasterKey master, Consumer<String> log) {
        int failed = 0;
        int users = 0;
        UUID after = new UUID(0, 0); // the smallest uuid in PostgreSQL's (unsigned) order
        while (true) {
            UUID from = after;
            List<UUID> batch = jdbi.withHandle(h -> h.createQuery("""
                            select owner_id from user_key
                            where master_key_id is distinct from :current and owner_id > :after
                            order by owner_id limit :n""")
                    .bind("current", master.id()).bind("after", from).bind("n", BATCH)
                    .mapTo(UUID.class).list());
            if (batch.isEmpty()) {
                break;
            }
            for (UUID owner : batch) {
                try {
                    users += rewrapUserKey(jdbi, master, owner) ? 1 : 0;
                } catch (RuntimeException | GeneralSecurityException e) {
                    failed++;
                    log.accept("user key of " + owner + " not re-wrapped: " + e.getMessage());
                }
            }
            after = batch.getLast();
        }
        log.accept("user keys re-wrapped: " + users);

        int secrets = 0;
        Map<String, byte[]> contexts = secretContexts(jdbi);
        for (Map.Entry<String, byte[]> s : contexts.entrySet()) {
            try {
                secrets += rewrapSecret(jdbi, master, s.getKey(), s.getValue()) ? 1 : 0;
            } catch (RuntimeException | GeneralSecurityException e) {
                failed++;
                log.accept("deployment secret " + s.getKey() + " not re-wrapped: " + e.getMessage());
            }
        }
        List<String> unknown = jdbi.withHandle(h -> h.createQuery("select name from deployment_secret")
                .mapTo(String.class).list()).stream().filter(n -> !contexts.containsKey(n)).toList();
        for (String name : unknown) {
            failed++;
            log.accept("deployment secret " + name + " is unknown to the rotation: add its context to KeyRotation");
        }
        log.accept("deployment secrets re-wrapped: " + secrets);

        int sealed = 0;
        for (Sealed column : SEALED) {
            if (!exists(jdbi, column)) {
                continue;
            }
            int n = resealColumn(jdbi, master, column);
            if (n > 0) {
                log.accept(column.table() + "." + column.column() + ": " + n);
            }
            sealed += n;
        }
        log.accept("sealed values re-encrypted: " + sealed);
        return new Result(users, secrets, sealed, failed);
    }

    private static boolean rewrapUserKey(Jdbi jdbi, MasterKey master, UUID owner) throws GeneralSecurityException {
        return jdbi.inTransaction(h -> {
            UserKeys.Wrapped w = h.createQuery(
                            "select wrapped_keyset, master_key_id from user_key where owner_id = :o for update")
                    .bind("o", owner).map((rs, ctx) -> new UserKeys.Wrapped(rs.getBytes(1), rs.getString(2)))
                    .findOne().orElse(null);
            if (w == null || master.id().equals(w.masterKeyId())) {
                return false; // destroyed meanwhile, or already done
            }
            KeysetHandle keyset = UserKeys.unwrap(master, owner, w);
            h.createUpdate("update user_key set wrapped_keyset = :w, master_key_id = :m where owner_id = :o")
                    .bind("w", UserKeys.wrap(master, owner, keyset)).bind("m", master.id()).bind("o", owner)
                    .execute();
            return true;
        });
    }

    private static boolean rewrapSecret(Jdbi jdbi, MasterKey master, String name, byte[] context)
            throws GeneralSecurityException {
        return jdbi.inTransaction(h -> {
            DeploymentSecrets.Stored s = h.createQuery(
                            "select wrapped, master_key_id from deployment_secret where name = :n for update")
                    .bind("n", name).map((rs, ctx) -> new DeploymentSecrets.Stored(rs.getBytes(1), rs.getString(2)))
                    .findOne().orElse(null);
            if (s == null || master.id().equals(s.masterKeyId())) {
                return false;
            }
            byte[] plain = master.aead(s.masterKeyId()).decrypt(s.wrapped(), context);
            h.createUpdate("update deployment_secret set wrapped = :w, master_key_id = :m where name = :n")
                    .bind("w", master.current().encrypt(plain, context)).bind("m", master.id()).bind("n", name)
                    .execute();
            return true;
        });
    }

    /** Re-encrypts the values of one sealed column that the current key does not open; returns how many. */
    private static int resealColumn(Jdbi jdbi, MasterKey master, Sealed column) {
        byte[] ad = ("sealed:" + column.context()).getBytes(StandardCharsets.UTF_8);
        record Row(UUID id, byte[] value) {
        }
        List<Row> rows = jdbi.withHandle(h -> h.createQuery("select id, " + column.column() + " from "
                        + column.table() + " where " + column.column() + " is not null")
                .map((rs, ctx) -> new Row(rs.getObject(1, UUID.class), rs.getBytes(2))).list());
        int n = 0;
        for (Row r : rows) {
            byte[] plain;
            try {
                master.current().decrypt(r.value(), ad);
                continue; // already under the current key
            } catch (GeneralSecurityException notYet) {
                try {
                    plain = master.aead().decrypt(r.value(), ad);
                } catch (GeneralSecurityException notSealed) {
                    continue; // encrypted with a user's key (or by an unconfigured key: reported at start)
                }
            }
            try {
                byte[] fresh = master.current().encrypt(plain, ad);
                n += jdbi.withHandle(h -> h.createUpdate("update " + column.table() + " set " + column.column()
                                + " = :fresh where id = :id and " + column.column() + " = :old")
                        .bind("fresh", fresh).bind("id", r.id()).bind("old", r.value()).execute());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return n;
    }

    private static boolean exists(Jdbi jdbi, Sealed column) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select count(*) from information_schema.columns
                        where table_schema = current_schema() and table_name = :t and column_name = :c""")
                .bind("t", column.table()).bind("c", column.column()).mapTo(Integer.class).one()) > 0;
    }

    /**
     * At start: records that predate recorded key ids get the id of the configured key that opens them; then any
     * record wrapped by a key that is not configured stops the start with a configuration error naming the setting.
     */
    public static void checkAtStart(Jdbi jdbi, MasterKey master) {
        label(jdbi, master);
        Map<String, Integer> unknown = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        select master_key_id, count(*) from (
                            select master_key_id from user_key union all select master_key_id from deployment_secret
                        ) k where master_key_id is not null group by master_key_id""")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2))).list()
                .forEach(e -> {
                    if (!master.has(e.getKey())) {
                        unknown.put(e.getKey(), e.getValue());
                    }
                }));
        int unopened = jdbi.withHandle(h -> h.createQuery("""
                select (select count(*) from user_key where master_key_id is null)
                     + (select count(*) from deployment_secret where master_key_id is null)""")
                .mapTo(Integer.class).one());
        if (unopened > 0) {
            unknown.put("(none of the configured keys opens them)", unopened);
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("MQCGM_MASTER_KEY_PREVIOUS_URI", unknown.values().stream()
                    .mapToInt(Integer::intValue).sum() + " keys are wrapped by master key(s) "
                    + String.join(", ", unknown.keySet()) + ", which are not configured: configure the previous "
                    + "key and finish 'mqcgm keys rotate' before removing it");
        }
    }

    private static void label(Jdbi jdbi, MasterKey master) {
        List<UUID> owners = jdbi.withHandle(h -> h.createQuery(
                "select owner_id from user_key where master_key_id is null").mapTo(UUID.class).list());
        for (UUID owner : owners) {
            byte[] wrapped = jdbi.withHandle(h -> h.createQuery(
                            "select wrapped_keyset from user_key where owner_id = :o and master_key_id is null")
                    .bind("o", owner).mapTo(byte[].class).findOne().orElse(null));
            if (wrapped == null) {
                continue;
            }
            for (String id : master.ids()) {
                try {
                    UserKeys.unwrap(master, owner, new UserKeys.Wrapped(wrapped, id));
                    jdbi.useHandle(h -> h.createUpdate(
                                    "update user_key set master_key_id = :m where owner_id = :o and master_key_id is null")
                            .bind("m", id).bind("o", owner).execute());
                    break;
                } catch (GeneralSecurityException wrongKey) {
                    // the next one
                }
            }
        }
        for (Map.Entry<String, byte[]> s : secretContexts(jdbi).entrySet()) {
            byte[] wrapped = jdbi.withHandle(h -> h.createQuery(
                            "select wrapped from deployment_secret where name = :n and master_key_id is null")
                    .bind("n", s.getKey()).mapTo(byte[].class).findOne().orElse(null));
            if (wrapped == null) {
                continue;
            }
            for (String id : master.ids()) {
                try {
                    master.aead(id).decrypt(wrapped, s.getValue());
                    jdbi.useHandle(h -> h.createUpdate(
                                    "update deployment_secret set master_key_id = :m where name = :n")
                            .bind("m", id).bind("n", s.getKey()).execute());
                    break;
                } catch (GeneralSecurityException wrongKey) {
                    // the next one
                }
            }
        }
    }
}
