package org.mqcgm.server.cancellation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.accounts.AccountsFeature;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.db.Database;
import org.mqcgm.server.platform.db.DatabaseBackup;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboxSender;
import org.mqcgm.server.platform.outbound.Sender;
import org.mqcgm.server.platform.outbound.SmtpSender;
import org.mqcgm.server.platform.security.AccountClosure;

/**
 * Operators' commands against the configured database, without the web server: {@code mqcgm admin cancel-account}
 * (cancelling on a user's behalf after verifying the caller), {@code mqcgm backup} and {@code mqcgm restore} (which
 * replays the deletion ledger, PR-65).
 */
public final class CancellationAdministration implements AutoCloseable {

    private final ServerConfig config;
    private final Database database;
    private final Outbound outbound;
    private final MasterKey master;

    private CancellationAdministration(ServerConfig config, Database database, Outbound outbound, MasterKey master) {
        this.config = config;
        this.database = database;
        this.outbound = outbound;
        this.master = master;
    }

    /** Opens the configured database; {@code migrate} is false for a restore (which migrates to the backup's version). */
    public static CancellationAdministration open(ServerConfig config, boolean migrate) {
        MasterKey master = MasterKey.configured(config.masterKeyFile());
        Database db = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword(), 3);
        if (migrate) {
            db.migrate();
        }
        OutboxSender outbox = OutboxSender.forDeployment(config.outboxDirectory(), db.jdbi(), master);
        Sender email = outbox;
        if (config.smtp() != null) {
            try {
                email = new SmtpSender(config.smtp());
            } catch (jakarta.mail.MessagingException e) {
                db.close();
                throw new ConfigException("MQCGM_MAIL_FROM", "not a valid sender address: " + e.getMessage());
            }
        }
        return new CancellationAdministration(config, db, new Outbound(email, outbox), master);
    }

    /**
     * @param consents the consent port (an operator's cancellation withdraws every consent as the web and API path
     *                 does; null for a restore, which erases and so has nothing to withdraw)
     */
    private Cancellations cancellations(UserKeys keys, AccountClosure accounts,
                                        org.mqcgm.server.platform.consent.Consents consents) {
        return new Cancellations(database.jdbi(), keys, accounts, new DeletionLedger(config.deletionLedger()),
                new CancellationMail(outbound), Clock.systemUTC(), consents);
    }

    private Cancellations cancellations() {
        UserKeys keys = new UserKeys(database.jdbi(), master);
        return cancellations(keys, AccountsFeature.closure(config, database, master, keys, outbound), null);
    }

    /** What an operator's cancellation did. */
    public record Cancelled(UUID account, Instant completeBy, boolean erasedNow) {
    }

    /**
     * Cancels the account with this login on its owner's behalf: it is closed at once (every credential stops) and
     * queued for erasure, which the running server completes within a minute; with {@code eraseNow} the erasure
     * runs here and now instead (for a deployment whose server is stopped).
     *
     * @throws IllegalArgumentException when no account has this login, or the reason is missing
     */
    public Cancelled cancel(String identifier, String reason, boolean eraseNow) {
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw new IllegalArgumentException("--reason must say, in 1 to 500 characters, who asked and how the"
                    + " caller was verified");
        }
        UserKeys keys = new UserKeys(database.jdbi(), master);
        AccountClosure accounts = AccountsFeature.closure(config, database, master, keys, outbound);
        // A closed account shares and publishes nothing more: the running server hears the withdrawals (NOTIFY).
        Cancellations cancellations = cancellations(keys, accounts,
                org.mqcgm.server.privacy.PrivacyFeature.consents(database.jdbi(), Clock.systemUTC()));
        UUID account = accounts.find(identifier).orElseThrow(() -> new IllegalArgumentException(
                "no account has the login " + identifier));
        Instant completeBy = cancellations.request(account, Cancellations.Channel.OPERATOR, reason.strip());
        if (eraseNow) {
            cancellations.eraseDue();
        }
        return new Cancelled(account, completeBy, eraseNow && !cancellations.pending(account));
    }

    /** Writes a consistent snapshot of the running deployment's database to {@code out}. */
    public DatabaseBackup.Summary backup(Path out) {
        return DatabaseBackup.backup(database.dataSource(), out);
    }

    /**
     * What a restore did.
     *
     * @param ledgerEntries        ids in the deletion ledgers replayed
     * @param pendingCancellations cancellations queued in the backup (requested, not yet erased when it was taken)
     * @param erasedAgain          accounts of the backup erased by the restore (ledger ids and queued cancellations)
     */
    public record Restored(DatabaseBackup.Summary backup, int ledgerEntries, int pendingCancellations,
                           int erasedAgain) {
    }

    /**
     * Loads a backup into the configured (empty) database, then erases every account the deletion ledgers list (the
     * configured one and {@code extraLedgers}, e.g. other nodes' copies) and every account whose cancellation was
     * queued in the backup — the account rows with everything referencing them, and their keys — so no cancelled
     * account comes back.
     *
     * @param noLedger restore even when the configured ledger file does not exist (every account erased since the
     *                 snapshot then comes back); without it a missing ledger is refused before anything is loaded
     * @throws IllegalArgumentException when a ledger is missing, or the database is not empty
     */
    public Restored restore(Path backup, List<Path> extraLedgers, boolean noLedger) {
        Path configured = config.deletionLedger();
        if (!noLedger && !Files.exists(configured)) {
            throw new IllegalArgumentException("no deletion ledger at " + configured + " (MQCGM_DELETION_LEDGER):"
                    + " without it every account erased since the backup would come back; give --no-ledger to"
                    + " restore anyway");
        }
        for (Path p : extraLedgers) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("no deletion ledger at " + p);
            }
        }
        DatabaseBackup.Summary summary = DatabaseBackup.restore(database.dataSource(), backup);
        Set<UUID> ids = new LinkedHashSet<>(DeletionLedger.read(configured));
        for (Path p : extraLedgers) {
            ids.addAll(DeletionLedger.read(p));
        }
        int ledgerEntries = ids.size();
        Cancellations cancellations = cancellations();
        List<UUID> pending = cancellations.pendingAccounts();
        DeletionLedger ledger = new DeletionLedger(configured);
        for (UUID owner : pending) {
            if (ids.add(owner)) {
                // Erased now, so listed now: the ledger lists every erased account.
                ledger.append(owner);
            }
        }
        int erased = cancellations.eraseNow(new ArrayList<>(ids));
        return new Restored(summary, ledgerEntries, pending.size(), erased);
    }

    @Override
    public void close() {
        outbound.close();
        database.close();
    }
}
