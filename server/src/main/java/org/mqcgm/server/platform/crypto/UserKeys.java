package org.mqcgm.server.platform.crypto;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Per-user envelope keys. Each user has one AES-256-GCM keyset, stored in {@code user_key} encrypted by the master
 * key with the user id as associated data (so a wrapped key copied to another user's row does not open). Callers
 * encrypt a field with {@link #encrypt} giving a context string (e.g. {@code "account.email"}) that is bound into
 * the ciphertext, so a value cannot be moved between columns either.
 *
 * <p>{@link #destroy} deletes the key row: from then on nothing encrypted for that user can be read anywhere.
 */
public final class UserKeys {

    static final String CHANNEL = "mqcgm_user_key_destroyed";

    private final Jdbi jdbi;
    private final MasterKey master;
    /**
     * Counts the invalidations (destroyed keys, a lost listener connection). A key read from the database is cached
     * and kept only when no invalidation happened between the read and the caching: otherwise a read that saw the
     * key just before its destruction committed could put it into the cache after the notice had been handled, and
     * the destroyed key would stay usable on this node until it expired from the cache.
     */
    private final AtomicLong invalidations = new AtomicLong();
    /** Runs after a wrapped key was read and before it is cached (tests hold a reader there). */
    volatile Runnable afterKeyRead = () -> {
    };
    private final Cache<UUID, Aead> cache = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();

    public UserKeys(Jdbi jdbi, MasterKey master) {
        this.jdbi = jdbi;
        this.master = master;
    }

    /** Creates the data key of a new user inside the caller's transaction (the account row must exist). */
    public void create(Handle h, UUID ownerId) {
        try {
            KeysetHandle keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, master.aead(), bytes(ownerId));
            h.createUpdate("""
                            insert into user_key (owner_id, wrapped_keyset, master_key_id)
                            values (:owner, :wrapped, :master)""")
                    .bind("owner", ownerId)
                    .bind("wrapped", wrapped)
                    .bind("master", master.id())
                    .execute();
            cache.put(ownerId, primitive(keyset));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create data key", e);
        }
    }

    /** Encrypts a value for its owner; {@code context} names the field and is authenticated with it. */
    public byte[] encrypt(UUID ownerId, String context, byte[] plaintext) {
        try {
            return aead(ownerId).encrypt(plaintext, associatedData(ownerId, context));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public byte[] encrypt(UUID ownerId, String context, String plaintext) {
        return encrypt(ownerId, context, plaintext.getBytes(StandardCharsets.UTF_8));
    }

    /** Decrypts a value; fails with {@link KeyDestroyedException} when the owner's key no longer exists. */
    public byte[] decrypt(UUID ownerId, String context, byte[] ciphertext) {
        try {
            return aead(ownerId).decrypt(ciphertext, associatedData(ownerId, context));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("decryption failed for " + context, e);
        }
    }

    public String decryptString(UUID ownerId, String context, byte[] ciphertext) {
        return new String(decrypt(ownerId, context, ciphertext), StandardCharsets.UTF_8);
    }

    /**
     * Deletes the user's data key (crypto-shredding), inside the caller's transaction; every server node forgets
     * its cached copy when the transaction commits.
     */
    public void destroy(Handle h, UUID ownerId) {
        h.createUpdate("delete from user_key where owner_id = :owner").bind("owner", ownerId).execute();
        org.mqcgm.server.platform.db.Notifications.send(h, CHANNEL, ownerId.toString());
        forget(ownerId);
    }

    /** Destroyed keys leave the cache on every node; a lost listener connection empties it. */
    public void listen(org.mqcgm.server.platform.db.Notifications notifications) {
        notifications.on(CHANNEL, owner -> forget(UUID.fromString(owner)), this::forgetAll);
    }

    /** Drops a user's key from this node's cache, also one being read at this moment (the invalidation notice). */
    void forget(UUID ownerId) {
        invalidations.incrementAndGet();
        cache.invalidate(ownerId);
    }

    private void forgetAll() {
        invalidations.incrementAndGet();
        cache.invalidateAll();
    }

    private Aead aead(UUID ownerId) {
        Aead cached = cache.getIfPresent(ownerId);
        if (cached != null) {
            return cached;
        }
        long seen = invalidations.get();
        Wrapped wrapped = jdbi.withHandle(h -> h.createQuery(
                        "select wrapped_keyset, master_key_id from user_key where owner_id = :owner")
                .bind("owner", ownerId)
                .map((rs, ctx) -> new Wrapped(rs.getBytes(1), rs.getString(2)))
                .findOne()
                .orElseThrow(() -> new KeyDestroyedException(ownerId)));
        try {
            KeysetHandle keyset = unwrap(master, ownerId, wrapped);
            Aead aead = primitive(keyset);
            afterKeyRead.run();
            cache.put(ownerId, aead);
            // An invalidation since the read (counted before it empties the cache): it may have run before the put,
            // so undo the put. Either it empties the cache after the put, or this sees its count — never neither.
            if (invalidations.get() != seen) {
                cache.asMap().remove(ownerId, aead);
            }
            return aead;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot unwrap the data key of a user (wrong master key?)", e);
        }
    }

    /** A user's keyset as stored: wrapped by the master key {@code masterKeyId} (null: not recorded). */
    record Wrapped(byte[] keyset, String masterKeyId) {
    }

    /** Unwraps a stored keyset with the master key that wrapped it. */
    static KeysetHandle unwrap(MasterKey master, UUID ownerId, Wrapped wrapped) throws GeneralSecurityException {
        return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped.keyset(), master.aead(wrapped.masterKeyId()),
                bytes(ownerId));
    }

    /** Wraps a keyset with the current master key. */
    static byte[] wrap(MasterKey master, UUID ownerId, KeysetHandle keyset) throws GeneralSecurityException {
        return TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, master.aead(), bytes(ownerId));
    }

    /** The primitive used for a user's keyset (public for the encryption benchmark). */
    public static Aead primitive(KeysetHandle keyset) throws GeneralSecurityException {
        return SharedRandomAead.of(keyset, keyset.getPrimitive(RegistryConfiguration.get(), Aead.class));
    }

    private static byte[] associatedData(UUID ownerId, String context) {
        byte[] c = context.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(16 + c.length).put(bytes(ownerId)).put(c).array();
    }

    static byte[] bytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .array();
    }

    /** The user's data key has been destroyed: their encrypted data is gone for good. */
    public static final class KeyDestroyedException extends RuntimeException {
        public KeyDestroyedException(UUID ownerId) {
            super("no data key for user " + ownerId);
        }
    }
}
