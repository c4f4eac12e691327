package org.mqcgm.server;

/**
 * A setting is missing or invalid. The message names the setting and says what is expected, in one line, so the
 * command line can print it as it is and exit with status 2.
 */
public final class ConfigException extends RuntimeException {

    private final String setting;

    public ConfigException(String setting, String problem) {
        super(setting + ": " + problem);
        this.setting = setting;
    }

    /** The name of the setting at fault, e.g. {@code MQCGM_DB_URL}. */
    public String setting() {
        return setting;
    }
}
