package org.mqcgm.server.platform.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import org.mqcgm.server.ConfigException;

/**
 * The deployment's master key: a Tink AES-256-GCM keyset stored as JSON in a file readable only by the server's
 * user. It never encrypts personal data directly; it wraps the per-user data keys and deployment secrets. (A cloud
 * KMS can replace the file later behind the same {@link Aead} interface.)
 */
public final class MasterKey {

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Aead aead;

    private MasterKey(Aead aead) {
        this.aead = aead;
    }

    /** Loads the key file; a missing or malformed file is a configuration error naming the setting. */
    public static MasterKey load(Path file) {
        try {
            String json = Files.readString(file, StandardCharsets.UTF_8);
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
            return new MasterKey(handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
        } catch (IOException e) {
            throw new ConfigException("MQCGM_MASTER_KEY_FILE", "cannot read " + file + ": " + e.getMessage());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new ConfigException("MQCGM_MASTER_KEY_FILE", file + " is not a Tink AEAD keyset");
        }
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

    Aead aead() {
        return aead;
    }
}
