package org.mqcgm.server.platform.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.KmsEnvelopeAead;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mqcgm.server.ConfigException;

/**
 * The deployment's master key. It never encrypts personal data directly; it wraps the per-user data keys, the
 * deployment secrets and the few values sealed for no account yet.
 *
 * <p>Where it lives is chosen by configuration ({@link #fromSettings}):
 * <ul>
 *   <li>{@code MQCGM_MASTER_KEY_URI=hcvault://HOST[:PORT]/MOUNT/keys/NAME}: a HashiCorp Vault transit key, used
 *       through Tink's {@code KmsClient}/{@code KmsEnvelopeAead} ({@link org.mqcgm.server.platform.crypto.kms.VaultTransitKmsClient}); the key never
 *       leaves Vault, the server holds only a Vault token ({@code MQCGM_VAULT_TOKEN_FILE}).</li>
 *   <li>{@code MQCGM_MASTER_KEY_URI=file:/PATH} or {@code MQCGM_MASTER_KEY_FILE=/PATH}: a Tink AES-256-GCM keyset
 *       as JSON in a file readable only by the server's user (the demo, small installations).</li>
 * </ul>
 *
 * <p>During a rotation ({@code mqcgm keys rotate}) the previous key is configured too
 * ({@code MQCGM_MASTER_KEY_PREVIOUS_URI}): new values are wrapped by the current key, and a value wrapped by either
 * opens. Each wrapped record names the key that wrapped it ({@link #id()}), so the rotation knows what is left.
 */
public final class MasterKey {

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String id;
    private final Aead primary;
    /** Every configured key by id, the current one first. */
    private final Map<String, Aead> keys;
    private final Aead ring;

    private MasterKey(String id, Aead primary, Map<String, Aead> keys) {
        this.id = id;
        this.primary = primary;
        this.keys = Collections.unmodifiableMap(keys);
        this.ring = new Ring();
    }

    private static MasterKey single(String id, Aead aead) {
        Map<String, Aead> keys = new LinkedHashMap<>();
        keys.put(id, aead);
        return new MasterKey(id, aead, keys);
    }

    /** Loads the key file; a missing or malformed file is a configuration error naming the setting. */
    public static MasterKey load(Path file) {
        try {
            String json = Files.readString(file, StandardCharsets.UTF_8);
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
            return single("tink:" + Integer.toUnsignedString(handle.getPrimary().getId()),
                    handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
        } catch (IOException e) {
            throw new ConfigException("MQCGM_MASTER_KEY_FILE", "cannot read " + file + ": " + e.getMessage());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new ConfigException("MQCGM_MASTER_KEY_FILE", file + " is not a Tink AEAD keyset");
        }
    }

    /**
     * The key at {@code uri}: {@code file:PATH} (a keyset file) or {@code hcvault://…} (a Vault transit key, its token
     * from {@code MQCGM_VAULT_TOKEN_FILE} or {@code MQCGM_VAULT_TOKEN} of {@code settings}).
     */
    public static MasterKey open(String uri, Map<String, String> settings) {
        String u = uri.trim();
        if (u.startsWith("file:")) {
            return load(Path.of(u.substring("file:".length())));
        }
        if (u.startsWith(org.mqcgm.server.platform.crypto.kms.VaultTransitKmsClient.PREFIX)) {
            try {
                var client = org.mqcgm.server.platform.crypto.kms.VaultTransitKmsClient.fromSettings(settings);
                Aead remote = client.getAead(u);
                // Envelope encryption: a fresh data key per value, wrapped by Vault (one call per wrap or unwrap).
                return single(u, KmsEnvelopeAead.create(PredefinedAeadParameters.AES256_GCM, remote));
            } catch (GeneralSecurityException e) {
                throw new ConfigException("MQCGM_MASTER_KEY_URI", "cannot use " + u + ": " + e.getMessage());
            }
        }
        throw new ConfigException("MQCGM_MASTER_KEY_URI",
                "must start with file: or hcvault:// (got '" + u.replaceAll("[?#].*", "") + "')");
    }

    /**
     * The configured key: {@code MQCGM_MASTER_KEY_URI} when set, otherwise {@code file} ({@code MQCGM_MASTER_KEY_FILE});
     * plus, during a rotation, the keys of {@code MQCGM_MASTER_KEY_PREVIOUS_URI} (comma-separated), which only
     * decrypt.
     */
    public static MasterKey fromSettings(Map<String, String> settings, Path file) {
        String uri = settings.get("MQCGM_MASTER_KEY_URI");
        MasterKey key;
        if (uri != null && !uri.isBlank()) {
            key = open(uri, settings);
        } else if (file != null) {
            key = load(file);
        } else {
            throw new ConfigException("MQCGM_MASTER_KEY_URI", "missing: MQCGM_MASTER_KEY_URI (from the environment) or MQCGM_MASTER_KEY_FILE");
        }
        String previous = settings.get("MQCGM_MASTER_KEY_PREVIOUS_URI");
        if (previous != null && !previous.isBlank()) {
            for (String p : previous.split(",")) {
                if (!p.isBlank()) {
                    key = key.withPrevious(open(p, settings));
                }
            }
        }
        return key;
    }

    /** {@link #fromSettings} of this process's environment (the server, operators' commands). */
    public static MasterKey configured(Path file) {
        return fromSettings(System.getenv(), file);
    }

    /** This key, still able to open what {@code old} wrapped (during a rotation). */
    public MasterKey withPrevious(MasterKey old) {
        Map<String, Aead> all = new LinkedHashMap<>(keys);
        old.keys.forEach(all::putIfAbsent);
        return new MasterKey(id, primary, all);
    }

    /** The id of the current key (recorded next to what it wraps). */
    public String id() {
        return id;
    }

    /** The ids of every configured key, the current one first. */
    public List<String> ids() {
        return new ArrayList<>(keys.keySet());
    }

    /** Whether the key {@code keyId} is configured. */
    public boolean has(String keyId) {
        return keys.containsKey(keyId);
    }

    /** Writes a new random master key to {@code file} (mode 0600) unless the file already exists. */
    public static void generate(Path file) {
        if (Files.exists(file)) {
            throw new ConfigException("--out", file + " already exists; refusing to overwrite a master key");
        }
        try {
            KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            String json = TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads {@code file}, generating it first when absent (demo mode). */
    public static MasterKey loadOrGenerate(Path file) {
        if (!Files.exists(file)) {
            generate(file);
        }
        return load(file);
    }

    /** Encrypts with the current key; decrypts with whichever configured key opens the value. */
    Aead aead() {
        return ring;
    }

    /**
     * The key that wrapped a record: {@code keyId} as recorded next to it, or any configured key when the record
     * predates recorded ids (null). Encrypting with it encrypts with the current key.
     */
    Aead aead(String keyId) {
        if (keyId == null) {
            return ring;
        }
        Aead k = keys.get(keyId);
        if (k == null) {
            throw new UnknownKeyException(keyId);
        }
        return new Aead() {
            @Override
            public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
                return primary.encrypt(plaintext, associatedData);
            }

            @Override
            public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                return k.decrypt(ciphertext, associatedData);
            }
        };
    }

    /** The current key alone (the rotation checks whether a value is already under it). */
    Aead current() {
        return primary;
    }

    /** A record was wrapped by a master key that is not configured (a rotation not finished before its removal). */
    public static final class UnknownKeyException extends IllegalStateException {
        public UnknownKeyException(String keyId) {
            super("a record is wrapped by master key " + keyId + ", which is not configured: configure it as "
                    + "MQCGM_MASTER_KEY_PREVIOUS_URI and finish 'mqcgm keys rotate'");
        }
    }

    private final class Ring implements Aead {
        @Override
        public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
            return primary.encrypt(plaintext, associatedData);
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
            GeneralSecurityException first = null;
            for (Aead k : keys.values()) {
                try {
                    return k.decrypt(ciphertext, associatedData);
                } catch (GeneralSecurityException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            throw first != null ? first : new GeneralSecurityException("no master key");
        }
    }
}
