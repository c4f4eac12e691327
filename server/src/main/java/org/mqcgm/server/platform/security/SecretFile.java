package org.mqcgm.server.platform.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.mqcgm.server.ConfigException;

/**
 * A credential given as a file that is read again at each use ({@code MQCGM_DB_PASSWORD_FILE},
 * {@code MQCGM_SMTP_PASSWORD_FILE}, …: issue 16, ASVS V2.10.1): an operator or a vault agent replaces the file and
 * the next connection uses the new credential, without a restart. Where the setting travels as a string (the
 * configuration's password fields), it is carried as a <em>reference</em>: the file's path behind a NUL character,
 * which no password sent to PostgreSQL or in SMTP AUTH can contain; {@link #resolve} turns it into the file's
 * current content at the moment of use. A plain value resolves to itself.
 */
public final class SecretFile {

    private static final String PREFIX = "\0file:";

    private SecretFile() {
    }

    /** The reference to {@code file}, to be resolved at each use. */
    public static String reference(Path file) {
        return PREFIX + file.toAbsolutePath();
    }

    public static boolean isReference(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /**
     * The secret now: the file's content (without its trailing line break) for a reference, else {@code value}.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public static String resolve(String value) {
        if (!isReference(value)) {
            return value;
        }
        Path file = Path.of(value.substring(PREFIX.length()));
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\r\n]+$", "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the secret file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The setting {@code name} of {@code settings}: a reference to the file {@code name_FILE} names (checked readable
     * now), else the plain value of {@code name} (null when neither is set). Both set is a configuration error.
     */
    public static String setting(Map<String, String> settings, String name) {
        String file = settings.get(name + "_FILE");
        if (file == null || file.isBlank()) {
            return settings.get(name);
        }
        String plain = settings.get(name);
        if (plain != null && !plain.isEmpty()) {
            throw new ConfigException(name + "_FILE", "set either " + name + " or " + name + "_FILE, not both");
        }
        String reference = reference(Path.of(file.trim()));
        try {
            resolve(reference);
        } catch (UncheckedIOException e) {
            throw new ConfigException(name + "_FILE", e.getMessage());
        }
        return reference;
    }
}
