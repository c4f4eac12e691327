package org.mqcgm.server.retention;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.mqcgm.server.platform.retention.Expiry;
import org.mqcgm.server.platform.retention.Holds;

/**
 * The server's log files ({@code MQCGM_LOG_DIR}, written by {@code platform.logging.LogFiles}): files not written
 * for longer than the period (30 days) are deleted (PR-33). Log files name no person, so only a hold on the whole
 * category keeps them.
 */
final class LogFiles implements Expiry {

    private final Path directory;

    LogFiles(Path directory) {
        this.directory = directory;
    }

    @Override
    public String category() {
        return "application-logs";
    }

    @Override
    public int purge(Instant cutoff, Holds holds) {
        if (holds.wholeCategory()) {
            return 0;
        }
        int n = 0;
        for (Path f : files()) {
            try {
                if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff) && Files.deleteIfExists(f)) {
                    n++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete an old log file", e);
            }
        }
        return n;
    }

    @Override
    public Optional<Instant> oldest(Holds holds) {
        return holds.wholeCategory() ? Optional.empty() : files().stream().map(f -> {
            try {
                return Files.getLastModifiedTime(f).toInstant();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).min(Instant::compareTo);
    }

    private List<Path> files() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(Files::isRegularFile).filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith("mqcgm") && (name.endsWith(".log") || name.endsWith(".log.gz"));
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the log directory", e);
        }
    }
}
