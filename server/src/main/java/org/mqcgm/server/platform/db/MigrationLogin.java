package org.mqcgm.server.platform.db;

import java.util.Map;
import java.util.Optional;
import org.mqcgm.server.ConfigException;

/**
 * The database role that owns the schema and runs the migrations ({@code mqcgm migrate}), when it is not the runtime
 * role: {@code MQCGM_MIGRATION_DB_USER} and {@code MQCGM_MIGRATION_DB_PASSWORD}. The server itself ({@code serve})
 * never reads them, so the runtime role can be one without the right to change the schema.
 */
public record MigrationLogin(String user, String password) {

    /** The migration role of the settings, or empty when none is set (the runtime role migrates). */
    public static Optional<MigrationLogin> fromSettings(Map<String, String> settings) {
        String user = settings.get("MQCGM_MIGRATION_DB_USER");
        if (user == null || user.isBlank()) {
            return Optional.empty();
        }
        String password = org.mqcgm.server.platform.security.SecretFile.setting(settings,
                "MQCGM_MIGRATION_DB_PASSWORD");
        if (password == null) {
            throw new ConfigException("MQCGM_MIGRATION_DB_PASSWORD",
                    "missing: the migration role's password (set it empty for none)");
        }
        return Optional.of(new MigrationLogin(user.trim(), password));
    }

    @Override
    public String toString() {
        return "MigrationLogin[user=" + user + "]";
    }
}
