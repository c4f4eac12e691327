package org.mqcgm.server.platform.outbound;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes each message as a text file into a local folder (mode 0600). The bundled SMS channel, and the e-mail
 * channel when no SMTP server is configured (the demo). Operators plug their SMS provider by implementing
 * {@link Sender}.
 */
public final class OutboxSender implements Sender {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private final Path folder;
    private final Clock clock;
    /** Orders messages written within the same millisecond. */
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();

    public OutboxSender(Path folder, Clock clock) {
        this.folder = folder;
        this.clock = clock;
    }

    @Override
    public void send(OutboundMessage m) throws IOException {
        Files.createDirectories(folder);
        String name = STAMP.format(clock.instant()) + "-" + String.format("%06d", sequence.incrementAndGet() % 1_000_000)
                + "-" + m.channel().name().toLowerCase(java.util.Locale.ROOT) + "-"
                + UUID.randomUUID().toString().substring(0, 8) + ".txt";
        Path file = folder.resolve(name);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        StringBuilder headers = new StringBuilder();
        new java.util.TreeMap<>(m.headers()).forEach((k, v) -> headers.append(k).append(": ").append(v).append('\n'));
        Files.writeString(file, "To: " + m.to() + "\nSubject: " + m.subject() + "\n" + headers + "\n" + m.body() + "\n",
                StandardCharsets.UTF_8);
    }

    /** The newest messages first (for the demo's outbox page). */
    public List<String> newest(int limit) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".txt"))
                    .sorted(java.util.Comparator.comparing(Path::getFileName).reversed()).limit(limit).toList()) {
                out.add(Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    public Path folder() {
        return folder;
    }
}
