package org.mqcgm.cli;

import java.io.PrintWriter;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.crypto.KeyRotation;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.db.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mqcgm keys rotate}: re-wraps every user key, deployment secret and sealed value under the current master key
 * while the server keeps serving (see docs/security-data.md#rotating-the-master-key).
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Master key operations.",
        subcommands = {KeysCommand.Rotate.class})
final class KeysCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Re-wrap everything the master key protects under the current key "
                    + "(MQCGM_MASTER_KEY_URI or MQCGM_MASTER_KEY_FILE), online, one person per transaction.",
                    "Run it while the server runs with the new key and MQCGM_MASTER_KEY_PREVIOUS_URI naming the old "
                            + "one; then remove the previous key and restart. Safe to run again."})
    static final class Rotate implements Runnable {
        @CommandLine.Mixin
        SharedOptions.ConfigFile config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            ServerConfig c = config.load();
            MasterKey master = MasterKey.configured(c.masterKeyFile());
            PrintWriter out = spec.commandLine().getOut();
            try (Database db = Database.open(c.databaseUrl(), c.databaseUser(), c.databasePassword(), 2)) {
                db.migrate();
                KeyRotation.Result r = KeyRotation.rotate(db.jdbi(), master, out::println);
                out.println("re-wrapped under master key " + master.id() + ": " + r.userKeys() + " user keys, "
                        + r.deploymentSecrets() + " deployment secrets, " + r.sealedValues() + " sealed values"
                        + (r.failed() > 0 ? "; " + r.failed() + " failed (see above)" : ""));
                if (r.failed() > 0) {
                    throw new IllegalStateException(r.failed() + " records not re-wrapped");
                }
            }
        }
    }
}
