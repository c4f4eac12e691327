package org.mqcgm.server.cancellation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The deletion ledger: a plain file outside the database (and so outside its backups) that lists, one a line, the
 * random id of every cancelled account — nothing else. {@code mqcgm restore} replays it, so an account cancelled
 * after a backup was made never comes back with that backup (PR-65). An id is appended twice: when the cancellation
 * is requested (right after its transaction commits, so a database lost before the erasure still has it listed) and
 * at the erasure, written and forced to disk before the erasure commits: a crash in between leaves an id whose account still exists (it is erased again on the next run
 * or at restore), never an erasure the ledger misses. Appends from several processes on one host are serialised by
 * a file lock.
 */
final class DeletionLedger {

    private final Path file;

    DeletionLedger(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Appends the id and forces it to disk. */
    void append(UUID account) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
                 FileLock lock = channel.lock()) {
                channel.write(ByteBuffer.wrap((account + "\n").getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the deletion ledger " + file, e);
        }
    }

    /** Every id in the ledger (none when the file does not exist); lines that are not ids are refused. */
    Set<UUID> ids() {
        return read(file);
    }

    static Set<UUID> read(Path file) {
        if (!Files.exists(file)) {
            return Set.of();
        }
        Set<UUID> ids = new LinkedHashSet<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                n++;
                String l = line.strip();
                if (l.isEmpty()) {
                    continue;
                }
                try {
                    ids.add(UUID.fromString(l));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + n + ": not an account id");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the deletion ledger " + file, e);
        }
        return ids;
    }
}
