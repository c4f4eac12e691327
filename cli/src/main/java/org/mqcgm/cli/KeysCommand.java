package org.mqcgm.cli;

import java.io.PrintWriter;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.accounts.AccountAdministration;
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
        subcommands = {KeysCommand.Rotate.class, KeysCommand.RotateDeploymentSecret.class,
                KeysCommand.RetireDeploymentSecret.class, KeysCommand.RotateVapidKey.class})
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
            withKeys(config, spec, (db, master, out) -> {
                KeyRotation.Result r = KeyRotation.rotate(db.jdbi(), master, out::println);
                out.println("re-wrapped under master key " + master.id() + ": " + r.userKeys() + " user keys, "
                        + r.deploymentSecrets() + " deployment secrets, " + r.sealedValues() + " sealed values"
                        + (r.failed() > 0 ? "; " + r.failed() + " failed (see above)" : ""));
                if (r.failed() > 0) {
                    throw new IllegalStateException(r.failed() + " records not re-wrapped");
                }
            });
        }
    }

    @Command(name = "rotate-deployment-secret", mixinStandardHelpOptions = true,
            description = {"Replace the deployment secret (blind indexes, password pepper, code and link digests) "
                    + "online: add a new version, current at once on every node, and recompute every account's "
                    + "e-mail and phone index under it.",
                    "Older versions keep verifying what was made before (passwords are re-peppered at each login) "
                            + "until 'mqcgm keys retire-deployment-secret'. See docs/deployment.md."})
    static final class RotateDeploymentSecret implements Runnable {
        @CommandLine.Mixin
        SharedOptions.ConfigFile config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            withKeys(config, spec, (db, master, out) -> {
                AccountAdministration.SecretRotation r = AccountAdministration.rotateDeploymentSecret(db, master);
                out.println("deployment secret version " + r.version() + " is current; " + r.indexesRecomputed()
                        + " account indexes recomputed. Retire the older versions after "
                        + AccountAdministration.RETIRE_AFTER.toHours() + " hours with 'mqcgm keys "
                        + "retire-deployment-secret'.");
            });
        }
    }

    @Command(name = "retire-deployment-secret", mixinStandardHelpOptions = true,
            description = {"Delete the older versions of the deployment secret once nothing needs them: recomputes "
                    + "the account indexes again, then refuses while the current version is younger than a day or "
                    + "passwords are still hashed with the old pepper, unless --force."})
    static final class RetireDeploymentSecret implements Runnable {
        @CommandLine.Mixin
        SharedOptions.ConfigFile config;

        @CommandLine.Option(names = "--force", description = "Retire now: accounts whose password still uses the "
                + "old pepper must reset it; codes and links made under the old version stop working.")
        boolean force;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            withKeys(config, spec, (db, master, out) -> {
                AccountAdministration.SecretRetirement r = AccountAdministration.retireDeploymentSecret(db, master,
                        force, java.time.Clock.systemUTC());
                out.println(r.retired() + " older versions of the deployment secret retired; "
                        + r.indexesRecomputed() + " account indexes recomputed"
                        + (r.passwordsToReset() > 0 ? "; " + r.passwordsToReset() + " accounts must reset their"
                        + " password" : "") + ".");
            });
        }
    }

    @Command(name = "rotate-vapid-key", mixinStandardHelpOptions = true,
            description = {"Replace the VAPID key pair that signs Web Push requests, with every server stopped: every "
                    + "push subscription is bound to the old key and ends; people turn notifications on again.",
                    "Start the servers afterwards (each loads the key at start). See docs/deployment.md."})
    static final class RotateVapidKey implements Runnable {
        @CommandLine.Mixin
        SharedOptions.ConfigFile config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            withKeys(config, spec, (db, master, out) -> {
                int ended = org.mqcgm.server.push.PushFeature.endAllSubscriptions(db.jdbi());
                org.mqcgm.server.platform.crypto.VapidKeys.replace(db.jdbi(), master);
                out.println("new VAPID key made; " + ended + " push subscriptions ended. Start the servers.");
            });
        }
    }

    /** One key command's work on the configured database (migrated first) with the configured master key. */
    interface KeyWork {
        void run(Database db, MasterKey master, PrintWriter out);
    }

    private static void withKeys(SharedOptions.ConfigFile config, CommandLine.Model.CommandSpec spec, KeyWork work) {
        ServerConfig c = config.load();
        MasterKey master = MasterKey.configured(c.masterKeyFile());
        PrintWriter out = spec.commandLine().getOut();
        try (Database db = Database.open(c.databaseUrl(), c.databaseUser(), c.databasePassword(), 2)) {
            db.migrate();
            work.run(db, master, out);
        }
    }
}
