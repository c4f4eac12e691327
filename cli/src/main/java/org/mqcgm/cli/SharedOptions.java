package org.mqcgm.cli;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.ServerConfig;
import picocli.CommandLine.Option;

/** Options that several commands share, each defined once and used as a picocli {@code @Mixin}. */
final class SharedOptions {

    private SharedOptions() {
    }

    /** {@code --config FILE}: the server's settings for {@code serve}, {@code migrate} and {@code admin}. */
    static final class ConfigFile {
        @Option(names = "--config", description = "Configuration file of MQCGM_*=value lines.")
        Path config;

        /** The settings of the file, overridden by {@code MQCGM_*} environment variables. */
        ServerConfig load() {
            return ServerConfig.load(System.getenv(), config);
        }

        /** The raw settings of the file and the environment (the environment wins). */
        java.util.Map<String, String> settings() {
            return ServerConfig.settings(System.getenv(), config);
        }

        boolean given() {
            return config != null;
        }
    }

    /** {@code --tz ZONE}: the (simulated) wearer's time zone, for {@code demo}, {@code sensor simulate} and {@code collect}. */
    static final class WearerZone {
        @Option(names = "--tz", paramLabel = "ZONE",
                description = "The wearer's time zone, e.g. Asia/Shanghai (default: this machine's).")
        String timeZone;

        /** The zone given, or this machine's; an unknown zone is a configuration error naming {@code --tz}. */
        ZoneId zone() {
            try {
                return timeZone == null ? ZoneId.systemDefault() : ZoneId.of(timeZone);
            } catch (DateTimeException e) {
                throw new ConfigException("--tz", "unknown time zone '" + timeZone + "'");
            }
        }
    }

    /** {@code --login}: the account an {@code admin} command acts on. */
    static final class Login {
        @Option(names = "--login", required = true, description = "E-mail address or mobile number (+86…) of the account.")
        String login;
    }
}
