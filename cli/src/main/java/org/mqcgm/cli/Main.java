package org.mqcgm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.mqcgm.demo.Demo;
import org.mqcgm.server.App;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.crypto.MasterKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mqcgm} — run the demo, serve in production, migrate the database, create a master key.
 * Exit status: 0 success, 1 failure, 2 bad usage or configuration (one line on stderr naming the setting).
 */
@Command(name = "mqcgm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Self-hostable continuous glucose monitoring.",
        subcommands = {Main.DemoCommand.class, Main.ServeCommand.class, Main.MigrateCommand.class,
                Main.KeygenCommand.class, AdminCommand.class, CollectCommand.class, SensorCommand.class,
                BleCommand.class, AnalyzeCommand.class, BackupCommands.Backup.class, BackupCommands.Restore.class,
                ImportCommand.class, PrivacyCommand.class, KeysCommand.class, Main.VersionCommand.class},
        footer = {"", "Run the tests with: ./mqcgm test"})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (tests call this). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("mqcgm: " + e.getMessage());
                return 2;
            }
            commandLine.getErr().println("mqcgm: " + e);
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes {@code resource}. */
    static void runUntilStopped(AutoCloseable resource) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("mqcgm: error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, "mqcgm-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = {"Run the whole product locally: embedded PostgreSQL, a demo account with 14 days of "
                    + "simulated glucose and a live simulated sensor, and the web app.",
                    "Writes <data-dir>/demo.json with the URL, login, an API token and the JDBC URL."})
    static final class DemoCommand implements Runnable {
        @Option(names = "--data-dir", defaultValue = ".mqcgm-data", description = "Data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--port", defaultValue = "8080", description = "HTTP port, 0 for any free port (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--speed", defaultValue = "1", description = "Run the simulated clock N times faster (default: ${DEFAULT-VALUE}).")
        double speed;

        @CommandLine.Mixin
        SharedOptions.WearerZone wearerZone;

        @Option(names = "--via-collector", description = "Feed live readings from a simulated Bluetooth sensor "
                + "through the collector and the API (queue in <data-dir>/collector) instead of directly.")
        boolean viaCollector;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (!(speed >= 1) || speed > 100_000) {
                throw new ConfigException("--speed", "must be between 1 and 100000 (got " + speed + ")");
            }
            if (port < 0 || port > 65535) {
                throw new ConfigException("--port", "must be between 0 and 65535 (got " + port + ")");
            }
            ZoneId zone = wearerZone.zone();
            Demo demo = Demo.start(new Demo.Options(dataDir, host, port, speed, zone, !viaCollector));
            AutoCloseable running = viaCollector ? DemoViaCollector.start(demo, dataDir, speed, zone) : demo;
            PrintWriter out = spec.commandLine().getOut();
            out.println();
            out.println("mqcgm demo is running: " + demo.info().url());
            out.println("  log in as   " + demo.info().email() + " / " + demo.info().password());
            out.println("  API token   in " + dataDir.toAbsolutePath().resolve("demo.json"));
            out.println("  speed       " + (speed == 1 ? "real time" : speed + "x"));
            if (viaCollector) {
                out.println("  live data   simulated sensor -> collector -> API (queue in "
                        + dataDir.toAbsolutePath().resolve("collector") + ")");
            }
            out.println("Press Ctrl-C to stop.");
            out.flush();
            runUntilStopped(running);
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Serve mqcgm against an external PostgreSQL (14 or newer).",
                    "Settings come from MQCGM_* environment variables or --config FILE (see the README)."})
    static final class ServeCommand implements Runnable {
        @CommandLine.Mixin
        SharedOptions.ConfigFile config;

        @Option(names = "--port", description = "HTTP port (overrides MQCGM_PORT).")
        Integer port;

        @Option(names = "--host", description = "Interface to listen on (overrides MQCGM_HOST).")
        String host;

        @Override
        public void run() {
            ServerConfig c = config.load();
            if (port != null || host != null) {
                if (port != null && (port < 0 || port > 65535)) {
                    throw new ConfigException("--port", "must be between 0 and 65535 (got " + port + ")");
                }
                c = c.withListen(host != null ? host : c.host(), port != null ? port : c.port());
            }
            App app = App.start(c, java.time.Clock.systemUTC());
            runUntilStopped(app);
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = {"Apply pending database migrations to the configured database and exit.",
                    "With MQCGM_MIGRATION_DB_USER and MQCGM_MIGRATION_DB_PASSWORD, migrates as that role (the",
                    "schema's owner) and grants the runtime role MQCGM_DB_USER row access only (no DDL)."})
    static final class MigrateCommand implements Runnable {
        @CommandLine.Mixin
        SharedOptions.ConfigFile config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            int n = App.migrate(config.load(), org.mqcgm.server.platform.db.MigrationLogin
                    .fromSettings(config.settings()).orElse(null));
            spec.commandLine().getOut().println("applied " + n + " migrations");
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Create a new master key file (Tink AES-256-GCM keyset, mode 0600) for MQCGM_MASTER_KEY_FILE.")
    static final class KeygenCommand implements Runnable {
        @Option(names = "--out", required = true, description = "Where to write the key; never overwritten.")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            MasterKey.generate(out);
            spec.commandLine().getOut().println("master key written to " + out.toAbsolutePath()
                    + " — back it up: without it no personal data can be read");
        }
    }

    @Command(name = "version", description = "Print the version.")
    static final class VersionCommand implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().println("mqcgm " + Version.version());
        }
    }

    /** Reads the version Maven wrote into {@code mqcgm-version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("/mqcgm-version.properties")) {
                Properties p = new Properties();
                if (in != null) {
                    p.load(in);
                }
                return p.getProperty("version", "unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }

        @Override
        public String[] getVersion() {
            return new String[] {"mqcgm " + version()};
        }
    }
}
