package org.mqcgm.server.platform.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.Random;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Keyed pseudonyms. One random 256-bit secret per deployment, stored in the database wrapped by the master key,
 * from which a sub-key per purpose is derived. {@link #pseudonym} gives a deterministic HMAC-SHA256 of a value: the
 * "blind index" that lets the server find an account by e-mail without storing the e-mail in clear (PR-10), and
 * later the device pseudonym that replaces raw install identifiers (PR-11).
 *
 * <p>The secret is versioned (issue 16, ASVS V1.6.3): {@code mqcgm keys rotate --deployment-secret} adds a new
 * version ({@link #addVersion}), which every node takes up at once (a notice on {@link #CHANGED}) and uses for every
 * new value, while the older versions are kept to <em>verify</em> and <em>find</em> what was derived before
 * ({@link #pseudonyms}: every version, the current first). What can be recomputed is recomputed by the command (the
 * accounts' e-mail and phone indexes), password hashes are re-peppered at the next login, and short-lived values
 * (codes, outbox files, rate-limit buckets) expire; then {@code mqcgm keys retire-deployment-secret}
 * ({@link #retireOlderThan}) deletes the old versions. Version 1 is the row named {@code root}; version n > 1 is
 * {@code root.v<n>}.
 */
public final class DeploymentSecrets {

    static final byte[] CONTEXT = "mqcgm.deployment-secret".getBytes(StandardCharsets.UTF_8);
    /** The channel a new or retired version is announced on (payload: nothing). */
    public static final String CHANGED = "mqcgm_deployment_secret_changed";
    private static final Pattern NAME = Pattern.compile("root(?:\\.v([1-9][0-9]{0,8}))?");

    /** A stored secret and the master key that wrapped it (null: not recorded). */
    record Stored(byte[] wrapped, String masterKeyId) {
    }

    /** The roots by version, newest first. */
    private volatile TreeMap<Integer, byte[]> roots;
    private final MasterKey master;
    private final Jdbi jdbi;

    private DeploymentSecrets(TreeMap<Integer, byte[]> roots, MasterKey master, Jdbi jdbi) {
        this.roots = roots;
        this.master = master;
        this.jdbi = jdbi;
    }

    /** The row name of a version. */
    static String name(int version) {
        return version == 1 ? "root" : "root.v" + version;
    }

    /** The version a row name stands for, or 0 when it is not a version of the root secret. */
    static int version(String name) {
        Matcher m = NAME.matcher(name);
        return !m.matches() ? 0 : m.group(1) == null ? 1 : Integer.parseInt(m.group(1));
    }

    /** Loads the deployment secret, creating it on first start. */
    public static DeploymentSecrets loadOrCreate(Jdbi jdbi, MasterKey master) {
        return new DeploymentSecrets(jdbi.inTransaction(h -> {
            h.execute("lock table deployment_secret in exclusive mode");
            TreeMap<Integer, byte[]> roots = load(h, master);
            if (roots.isEmpty()) {
                byte[] fresh = Random.randBytes(32);
                insert(h, master, 1, fresh);
                roots.put(1, fresh);
            }
            return roots;
        }), master, jdbi);
    }

    private static TreeMap<Integer, byte[]> load(Handle h, MasterKey master) {
        TreeMap<Integer, byte[]> roots = new TreeMap<>(java.util.Comparator.reverseOrder());
        for (Map.Entry<String, Stored> row : h.createQuery("select name, wrapped, master_key_id from deployment_secret")
                .map((rs, ctx) -> Map.entry(rs.getString(1), new Stored(rs.getBytes(2), rs.getString(3)))).list()) {
            int version = version(row.getKey());
            if (version == 0) {
                continue;
            }
            try {
                roots.put(version, master.aead(row.getValue().masterKeyId()).decrypt(row.getValue().wrapped(), CONTEXT));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot unwrap the deployment secret " + row.getKey()
                        + " (wrong master key?)", e);
            }
        }
        return roots;
    }

    private static void insert(Handle h, MasterKey master, int version, byte[] root) {
        byte[] wrapped;
        try {
            wrapped = master.aead().encrypt(root, CONTEXT);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap the deployment secret", e);
        }
        h.createUpdate("insert into deployment_secret (name, wrapped, master_key_id) values (:n, :w, :m)")
                .bind("n", name(version)).bind("m", master.id()).bind("w", wrapped).execute();
    }

    /** Reads the versions again (a notice from another node or the command). */
    public void reload() {
        roots = jdbi.withHandle(h -> load(h, master));
    }

    /** Takes up new and retired versions at once on every node; a lost listener connection reloads too. */
    public void listen(org.mqcgm.server.platform.db.Notifications notifications) {
        notifications.on(CHANGED, payload -> reload(), () -> {
            try {
                reload();
            } catch (RuntimeException databaseAway) {
                // Called when the listener lost its connection too: the versions in memory stay, and are read
                // again when it is back (the listener calls this once more after it reconnects).
            }
        });
    }

    /**
     * Adds a new version of the secret, current from now on for every node (announced on {@link #CHANGED}); returns
     * it. The older versions stay until {@link #retireOlderThan}.
     */
    public static int addVersion(Jdbi jdbi, MasterKey master) {
        return jdbi.inTransaction(h -> {
            h.execute("lock table deployment_secret in exclusive mode");
            TreeMap<Integer, byte[]> roots = load(h, master);
            int next = roots.isEmpty() ? 1 : roots.firstKey() + 1;
            insert(h, master, next, Random.randBytes(32));
            org.mqcgm.server.platform.db.Notifications.send(h, CHANGED, "");
            return next;
        });
    }

    /** Deletes every version older than {@code version} (announced on {@link #CHANGED}); returns how many. */
    public static int retireOlderThan(Jdbi jdbi, int version) {
        return jdbi.inTransaction(h -> {
            h.execute("lock table deployment_secret in exclusive mode");
            List<String> old = h.createQuery("select name from deployment_secret").mapTo(String.class).list()
                    .stream().filter(n -> version(n) > 0 && version(n) < version).toList();
            for (String name : old) {
                h.createUpdate("delete from deployment_secret where name = :n").bind("n", name).execute();
            }
            org.mqcgm.server.platform.db.Notifications.send(h, CHANGED, "");
            return old.size();
        });
    }

    /** The current version: the one every new value is derived with. */
    public int version() {
        return roots.firstKey();
    }

    /** The versions kept, the current first. */
    public List<Integer> versions() {
        return List.copyOf(roots.keySet());
    }

    /** HMAC-SHA256 of {@code value} under the sub-key for {@code purpose}, with the current version. */
    public byte[] pseudonym(String purpose, String value) {
        TreeMap<Integer, byte[]> r = roots;
        return pseudonym(r.firstEntry().getValue(), purpose, value);
    }

    /**
     * As {@link #pseudonym(String, String)} with a given version of the secret.
     *
     * @throws IllegalArgumentException when that version is not kept (retired, or never made)
     */
    public byte[] pseudonym(int version, String purpose, String value) {
        byte[] root = roots.get(version);
        if (root == null) {
            throw new IllegalArgumentException("deployment secret version " + version + " is not kept");
        }
        return pseudonym(root, purpose, value);
    }

    /**
     * The pseudonyms of {@code value} under every kept version, the current first: what a lookup or a check of a
     * stored value must accept while an older version is kept.
     */
    public List<byte[]> pseudonyms(String purpose, String value) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] root : roots.values()) {
            out.add(pseudonym(root, purpose, value));
        }
        return out;
    }

    private static byte[] pseudonym(byte[] root, String purpose, String value) {
        byte[] subKey = hmac(root, ("purpose:" + purpose).getBytes(StandardCharsets.UTF_8));
        return hmac(subKey, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An AES-256-GCM key derived from the deployment secret for {@code purpose} (e.g. the file outbox's messages):
     * the same on every node and after a restart, wrapped by the master key like the secret it comes from. It
     * encrypts with the current version and decrypts with any kept one.
     */
    public Aead aead(String purpose) {
        return new Aead() {
            @Override
            public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
                return key(roots.firstEntry().getValue()).encrypt(plaintext, associatedData);
            }

            @Override
            public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                GeneralSecurityException last = null;
                for (byte[] root : roots.values()) {
                    try {
                        return key(root).decrypt(ciphertext, associatedData);
                    } catch (GeneralSecurityException e) {
                        last = e;
                    }
                }
                throw last == null ? new GeneralSecurityException("no deployment secret") : last;
            }

            private Aead key(byte[] root) throws GeneralSecurityException {
                return new com.google.crypto.tink.subtle.AesGcmJce(
                        hmac(root, ("key:" + purpose).getBytes(StandardCharsets.UTF_8)));
            }
        };
    }

    /**
     * Encrypts data that belongs to no account yet (a sign-up waiting for its code) with the master key, bound to
     * {@code context}. Everything of an existing account is encrypted with that account's key instead.
     */
    public byte[] seal(String context, String plaintext) {
        try {
            return master.aead().encrypt(plaintext.getBytes(StandardCharsets.UTF_8),
                    ("sealed:" + context).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String open(String context, byte[] ciphertext) {
        try {
            return new String(master.aead().decrypt(ciphertext, ("sealed:" + context).getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open sealed " + context, e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
