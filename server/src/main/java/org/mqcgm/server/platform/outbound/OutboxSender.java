package org.mqcgm.server.platform.outbound;

import com.google.crypto.tink.Aead;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each message as a file into a local folder (mode 0600): the bundled SMS channel, and the e-mail channel
 * when no SMTP server is configured (the demo, tests). Operators plug their SMS provider by implementing
 * {@link Sender}.
 *
 * <p>What it keeps is encrypted (AES-256-GCM under a key derived from the deployment secret, the file's name bound
 * as associated data): no phone number, address or code is on disk in clear. A message is deleted {@link #keep}
 * after it was written — whenever the outbox is written to or read, and by {@link #purgeExpired()}. Readers (the
 * demo's outbox page, tests) decrypt through {@link #messages()} / {@link #newest}.
 */
public final class OutboxSender implements Sender {

    private static final Logger log = LoggerFactory.getLogger(OutboxSender.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    /** How long a message stays by default ({@code MQCGM_OUTBOX_KEEP_MINUTES}). */
    public static final Duration DEFAULT_KEEP = Duration.ofMinutes(60);
    private static final String SUFFIX = ".msg";

    private final Path folder;
    private final Clock clock;
    private final Aead aead;
    private final Duration keep;
    /** Orders messages written within the same millisecond. */
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param aead the outbox's key ({@code DeploymentSecrets.aead("outbox")})
     * @param keep how long a message is kept before it is deleted
     */
    public OutboxSender(Path folder, Clock clock, Aead aead, Duration keep) {
        if (keep.isNegative() || keep.isZero()) {
            throw new IllegalArgumentException("keep must be positive");
        }
        this.folder = folder;
        this.clock = clock;
        this.aead = aead;
        this.keep = keep;
    }

    /**
     * The outbox of an operator's command (no server running): its key is loaded from the database at the first
     * message, so a command that sends nothing (or restores a backup first) never reads it.
     */
    public static OutboxSender forDeployment(Path folder, org.jdbi.v3.core.Jdbi jdbi,
                                             org.mqcgm.server.platform.crypto.MasterKey master) {
        java.util.function.Supplier<Aead> key = new java.util.function.Supplier<>() {
            private Aead loaded;

            @Override
            public synchronized Aead get() {
                if (loaded == null) {
                    loaded = org.mqcgm.server.platform.crypto.DeploymentSecrets.loadOrCreate(jdbi, master)
                            .aead("outbox");
                }
                return loaded;
            }
        };
        Aead lazy = new Aead() {
            @Override
            public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
                return key.get().encrypt(plaintext, associatedData);
            }

            @Override
            public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                return key.get().decrypt(ciphertext, associatedData);
            }
        };
        return new OutboxSender(folder, Clock.systemUTC(), lazy, keep(System.getenv()));
    }

    /** {@code MQCGM_OUTBOX_KEEP_MINUTES} of {@code settings} (1 to 10080), default {@link #DEFAULT_KEEP}. */
    public static Duration keep(java.util.Map<String, String> settings) {
        String v = settings.get("MQCGM_OUTBOX_KEEP_MINUTES");
        if (v == null || v.isBlank()) {
            return DEFAULT_KEEP;
        }
        try {
            long minutes = Long.parseLong(v.trim());
            if (minutes >= 1 && minutes <= 10_080) {
                return Duration.ofMinutes(minutes);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new org.mqcgm.server.ConfigException("MQCGM_OUTBOX_KEEP_MINUTES",
                "must be a whole number of minutes from 1 to 10080 (got '" + v + "')");
    }

    @Override
    public void send(OutboundMessage m) throws IOException {
        purgeExpired();
        Files.createDirectories(folder);
        String name = STAMP.format(clock.instant()) + "-" + String.format("%06d", sequence.incrementAndGet() % 1_000_000)
                + "-" + m.channel().name().toLowerCase(java.util.Locale.ROOT) + "-"
                + UUID.randomUUID().toString().substring(0, 8) + SUFFIX;
        StringBuilder headers = new StringBuilder();
        new java.util.TreeMap<>(m.headers()).forEach((k, v) -> headers.append(k).append(": ").append(v).append('\n'));
        String text = "To: " + m.to() + "\nSubject: " + m.subject() + "\n" + headers + "\n" + m.body() + "\n";
        byte[] sealed;
        try {
            sealed = aead.encrypt(text.getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt the message", e);
        }
        Path file = folder.resolve(name);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, sealed);
    }

    /** Deletes the messages older than the keep period; returns how many. */
    public int purgeExpired() {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        Instant before = clock.instant().minus(keep);
        int deleted = 0;
        for (Path p : files()) {
            Instant written = written(p);
            if (written == null || written.isBefore(before)) {
                try {
                    if (Files.deleteIfExists(p)) {
                        deleted++;
                    }
                } catch (IOException e) {
                    log.warn("cannot delete an expired outbox message: {}", e.getClass().getSimpleName());
                }
            }
        }
        return deleted;
    }

    /** Every kept message in clear, oldest first (tests; expired ones are deleted first). */
    public List<String> messages() {
        purgeExpired();
        List<String> out = new ArrayList<>();
        for (Path p : files()) {
            read(p).ifPresent(out::add);
        }
        return out;
    }

    /** The newest messages first (for the demo's outbox page). */
    public List<String> newest(int limit) {
        List<String> all = new ArrayList<>(messages());
        java.util.Collections.reverse(all);
        return all.subList(0, Math.min(limit, all.size()));
    }

    public Path folder() {
        return folder;
    }

    private java.util.Optional<String> read(Path p) {
        try {
            byte[] plain = aead.decrypt(Files.readAllBytes(p),
                    p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            return java.util.Optional.of(new String(plain, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty(); // purged meanwhile
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            log.warn("an outbox message does not open with this deployment's key; skipped");
            return java.util.Optional.empty();
        }
    }

    /** The message files, oldest first (names start with the time written). */
    private List<Path> files() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> {
                String n = f.getFileName().toString();
                return n.endsWith(SUFFIX) || n.endsWith(".txt"); // .txt: clear-text messages of older versions
            }).sorted(java.util.Comparator.comparing(Path::getFileName)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** When a file was written, from its name; null for a clear-text file of an older version (deleted at once). */
    private static Instant written(Path p) {
        String n = p.getFileName().toString();
        if (!n.endsWith(SUFFIX) || n.length() < 20) {
            return null;
        }
        try {
            return Instant.from(STAMP.parse(n.substring(0, 20)));
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
