package org.mqcgm.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The smallest valid set of {@code MQCGM_*} settings, for tests of the configuration (one fixture for all). */
public final class ConfigFixture {

    private ConfigFixture() {
    }

    /**
     * The required settings only (a database, a master key file created in {@code dir}, the controller's e-mail);
     * a mutable map the test adds its own settings to.
     */
    public static Map<String, String> validSettings(Path dir) throws IOException {
        Path key = dir.resolve("key.json");
        if (!Files.exists(key)) {
            Files.writeString(key, "{}");
        }
        Map<String, String> s = new HashMap<>();
        s.put("MQCGM_DB_URL", "jdbc:postgresql://db.internal:5432/mqcgm");
        s.put("MQCGM_DB_USER", "mqcgm");
        s.put("MQCGM_DB_PASSWORD", "secret");
        s.put("MQCGM_MASTER_KEY_FILE", key.toString());
        s.put("MQCGM_CONTROLLER_EMAIL", "privacy@cgm.example.org");
        return s;
    }
}
