package org.mqcgm.collector.queue;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store-and-forward queue: an append-only, encrypted journal of what the collector received, with one upload
 * position per target.
 *
 * <p>Files, in a directory only the user can enter (0700): {@code queue.key} (a Tink AES-256-GCM keyset, 0600)
 * and {@code journal.bin} (0600). The journal starts with {@code "MQCGMQ01"}, a random 16-byte file id and an
 * encrypted check value (a wrong key is refused before anything is read), followed by records
 * {@code length:u32 | AES-256-GCM(plaintext padded to 64 bytes, associated data = file id + record index)}, so
 * no record can be read, altered, reordered or moved to another journal unnoticed, and every record has the same
 * size whatever it holds. Record types: READING (a {@link JournalEntry}), ACK (target, highest uploaded seq),
 * CURSOR (session, backfill position) and SEEN (session, offset; written by compaction).
 *
 * <p>Every append is forced to disk ({@code fsync}) before the call returns. A record cut short by a crash
 * (kill -9, power loss) at the end of the file is dropped when the journal is opened; anything else that does
 * not decrypt stops the open. When most records are uploaded everywhere the journal is rewritten (to a temporary
 * file, forced, atomically renamed over the old one).
 */
public final class ReadingJournal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReadingJournal.class);

    public static final String JOURNAL_FILE = "journal.bin";
    public static final String KEY_FILE = "queue.key";
    private static final byte[] MAGIC = "MQCGMQ01".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHECK = "mqcgm-queue-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int PLAIN_LENGTH = 64;
    private static final int MAX_RECORD = 256;
    private static final int READING = 1;
    private static final int ACK = 2;
    private static final int CURSOR = 3;
    private static final int SEEN = 4;
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Path dir;
    private final Aead aead;
    private final List<String> targets;
    private FileChannel channel;
    private byte[] fileId;
    private long recordIndex;
    private long nextSeq = 1;
    private final NavigableMap<Long, JournalEntry> entries = new TreeMap<>();
    private final Map<String, Long> acked = new HashMap<>();
    private final Map<Instant, SessionCursor> cursors = new LinkedHashMap<>();
    private boolean closed;

    private ReadingJournal(Path dir, Aead aead, Collection<String> targets) {
        this.dir = dir;
        this.aead = aead;
        this.targets = List.copyOf(targets);
        for (String t : this.targets) {
            if (t.isEmpty() || t.getBytes(StandardCharsets.UTF_8).length > 40) {
                throw new IllegalArgumentException("target id must be 1..40 bytes: " + t);
            }
            acked.put(t, 0L);
        }
    }

    /**
     * Opens (or creates) the queue in {@code dir} for the given upload targets. Creates the directory 0700 and
     * tightens an existing one to 0700; creates the key on first use.
     */
    public static ReadingJournal open(Path dir, Collection<String> targets) {
        try {
            Path d = dir.toAbsolutePath();
            if (!Files.isDirectory(d)) {
                Files.createDirectories(d, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            }
            if (!Files.getPosixFilePermissions(d).equals(PRIVATE_DIR)) {
                Files.setPosixFilePermissions(d, PRIVATE_DIR);
            }
            ReadingJournal j = new ReadingJournal(d, loadOrCreateKey(d.resolve(KEY_FILE)), targets);
            j.load();
            return j;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Aead loadOrCreateKey(Path file) throws IOException {
        try {
            if (!Files.exists(file)) {
                KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
                Path tmp = file.resolveSibling(KEY_FILE + ".new");
                Files.deleteIfExists(tmp);
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
                Files.writeString(tmp, TinkJsonProtoKeysetFormat.serializeKeyset(handle,
                        InsecureSecretKeyAccess.get()), StandardCharsets.UTF_8);
                try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    c.force(true);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(
                    Files.readString(file, StandardCharsets.UTF_8), InsecureSecretKeyAccess.get());
            return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(file + " is not a Tink AEAD keyset", e);
        }
    }

    private void load() throws IOException {
        Path file = dir.resolve(JOURNAL_FILE);
        if (!Files.exists(file) || Files.size(file) == 0) {
            Files.deleteIfExists(file);
            startNewFile(file);
            return;
        }
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ByteBuffer all = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE, channel.size()));
        while (all.hasRemaining() && channel.read(all) >= 0) {
            // read the whole journal; it is compacted, so small
        }
        all.flip();
        fileId = readHeader(all);
        long good = all.position();
        while (all.remaining() >= 4) {
            int len = all.getInt();
            if (len <= 0 || len > MAX_RECORD || len > all.remaining()) {
                if (len > 0 && len <= MAX_RECORD) {
                    break; // cut short by a crash
                }
                throw new IllegalStateException("queue journal is corrupt at byte " + good);
            }
            byte[] ct = new byte[len];
            all.get(ct);
            byte[] plain;
            try {
                plain = aead.decrypt(ct, ad(recordIndex));
            } catch (GeneralSecurityException e) {
                if (!all.hasRemaining()) {
                    break; // a torn final record
                }
                throw new IllegalStateException("queue journal record " + recordIndex + " does not decrypt");
            }
            apply(ByteBuffer.wrap(plain));
            recordIndex++;
            good = all.position();
        }
        if (good < channel.size()) {
            log.warn("queue: dropped {} bytes of an incomplete record at the end of the journal",
                    channel.size() - good);
            channel.truncate(good);
            channel.force(true);
        }
        channel.position(good);
        compactIfWorthIt(true);
    }

    private byte[] readHeader(ByteBuffer all) {
        byte[] magic = new byte[MAGIC.length];
        if (all.remaining() < MAGIC.length + 16 + 4) {
            throw new IllegalStateException("queue journal has no header");
        }
        all.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IllegalStateException("not a queue journal (bad magic)");
        }
        byte[] id = new byte[16];
        all.get(id);
        int len = all.getInt();
        if (len <= 0 || len > MAX_RECORD || len > all.remaining()) {
            throw new IllegalStateException("queue journal header is corrupt");
        }
        byte[] check = new byte[len];
        all.get(check);
        try {
            if (!java.util.Arrays.equals(aead.decrypt(check, headerAd(id)), CHECK)) {
                throw new GeneralSecurityException("check value");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the queue key (" + KEY_FILE + ") does not open this journal");
        }
        return id;
    }

    private static byte[] headerAd(byte[] id) {
        return ByteBuffer.allocate(8 + id.length).put(MAGIC).put(id).array();
    }

    private byte[] ad(long index) {
        return ByteBuffer.allocate(24).put(fileId).putLong(index).array();
    }

    private void startNewFile(Path file) throws IOException {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        fileId = id;
        recordIndex = 0;
        writeHeader(channel, id);
        channel.force(true);
    }

    private void writeHeader(FileChannel ch, byte[] id) throws IOException {
        try {
            byte[] check = aead.encrypt(CHECK, headerAd(id));
            ByteBuffer b = ByteBuffer.allocate(MAGIC.length + id.length + 4 + check.length);
            b.put(MAGIC).put(id).putInt(check.length).put(check).flip();
            writeFully(ch, b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private void apply(ByteBuffer p) {
        int type = p.get();
        switch (type) {
            case READING -> {
                JournalEntry e = readEntry(p);
                nextSeq = Math.max(nextSeq, e.seq() + 1);
                cursor(e.sessionStart()).record(e.timeOffset(), e.advancesCursor());
                if (e.isGlucose() && e.seq() > minAck()) {
                    entries.put(e.seq(), e);
                }
            }
            case ACK -> {
                String target = readString(p);
                long seq = p.getLong();
                nextSeq = Math.max(nextSeq, seq + 1);
                if (acked.containsKey(target)) {
                    acked.merge(target, seq, Math::max);
                }
                entries.headMap(minAck(), true).clear();
            }
            case CURSOR -> {
                Instant session = Instant.ofEpochSecond(p.getLong());
                cursor(session).complete(p.getInt());
            }
            case SEEN -> {
                Instant session = Instant.ofEpochSecond(p.getLong());
                cursor(session).record(p.getShort() & 0xFFFF, false);
            }
            default -> throw new IllegalStateException("unknown queue record type " + type);
        }
    }

    private static JournalEntry readEntry(ByteBuffer p) {
        long seq = p.getLong();
        Instant session = Instant.ofEpochSecond(p.getLong());
        int offset = p.getShort() & 0xFFFF;
        Instant time = Instant.ofEpochSecond(p.getLong());
        ZoneOffset utc = ZoneOffset.ofTotalSeconds(p.getInt());
        int mgdl = p.getShort() & 0xFFFF;
        int warning = p.getShort();
        int calTemp = p.getShort();
        int status = p.getShort();
        boolean advances = p.get() != 0;
        return new JournalEntry(seq, session, offset, time, utc, mgdl, warning, calTemp, status, advances);
    }

    private static String readString(ByteBuffer p) {
        byte[] b = new byte[p.get()];
        p.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void writeRecord(FileChannel ch, long index, ByteBuffer plain) throws IOException {
        try {
            byte[] ct = aead.encrypt(plain.array(), ad(index));
            ByteBuffer b = ByteBuffer.allocate(4 + ct.length).putInt(ct.length).put(ct);
            b.flip();
            writeFully(ch, b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ByteBuffer plain(int type) {
        return ByteBuffer.allocate(PLAIN_LENGTH).put((byte) type);
    }

    private static ByteBuffer readingRecord(JournalEntry e) {
        return plain(READING).putLong(e.seq()).putLong(e.sessionStart().getEpochSecond())
                .putShort((short) e.timeOffset()).putLong(e.time().getEpochSecond())
                .putInt(e.utcOffset().getTotalSeconds()).putShort((short) e.mgdl())
                .putShort((short) e.warning()).putShort((short) e.calTemp()).putShort((short) e.status())
                .put((byte) (e.advancesCursor() ? 1 : 0));
    }

    private static ByteBuffer ackRecord(String target, long seq) {
        byte[] name = target.getBytes(StandardCharsets.UTF_8);
        return plain(ACK).put((byte) name.length).put(name).putLong(seq);
    }

    private static ByteBuffer cursorRecord(Instant session, int last) {
        return plain(CURSOR).putLong(session.getEpochSecond()).putInt(last);
    }

    private static ByteBuffer seenRecord(Instant session, int offset) {
        return plain(SEEN).putLong(session.getEpochSecond()).putShort((short) offset);
    }

    private SessionCursor cursor(Instant session) {
        return cursors.computeIfAbsent(session, s -> new SessionCursor());
    }

    private long minAck() {
        return acked.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
    }

    // ---------------------------------------------------------------- API

    /**
     * Appends records (assigning their sequence numbers), updates the session cursors and forces the journal to
     * disk before returning.
     */
    public synchronized List<JournalEntry> append(List<JournalEntry> batch) {
        ensureOpen();
        List<JournalEntry> stored = new ArrayList<>(batch.size());
        try {
            for (JournalEntry e : batch) {
                JournalEntry s = e.withSeq(nextSeq++);
                writeRecord(channel, recordIndex++, readingRecord(s));
                stored.add(s);
            }
            channel.force(false);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        for (JournalEntry s : stored) {
            cursor(s.sessionStart()).record(s.timeOffset(), s.advancesCursor());
            if (s.isGlucose() && !targets.isEmpty()) {
                entries.put(s.seq(), s);
            }
        }
        notifyAll();
        return stored;
    }

    /** Marks a backfill of {@code session} complete up to {@code upTo} (and everything seen), durably. */
    public synchronized void completeBackfill(Instant session, int upTo) {
        ensureOpen();
        SessionCursor c = cursor(session);
        c.complete(upTo);
        try {
            writeRecord(channel, recordIndex++, cursorRecord(session, c.last()));
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The receive state of a session (a live view). */
    public synchronized SessionCursor cursor(Instant session, boolean create) {
        return create ? cursor(session) : cursors.getOrDefault(session, new SessionCursor());
    }

    /** Up to {@code max} glucose readings not yet uploaded to {@code target}, oldest first. */
    public synchronized List<JournalEntry> pending(String target, int max) {
        Long from = requireTarget(target);
        List<JournalEntry> out = new ArrayList<>(Math.min(max, 1024));
        for (JournalEntry e : entries.tailMap(from, false).values()) {
            if (out.size() >= max) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    public synchronized int pendingCount(String target) {
        return entries.tailMap(requireTarget(target), false).size();
    }

    /** Waits at most {@code timeoutMillis} for a reading to upload to {@code target}; false on timeout or close. */
    public synchronized boolean awaitPending(String target, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!closed && pendingCount(target) == 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return !closed;
    }

    /** {@code target} stored everything up to {@code seq}: durably records it; the readings may be dropped. */
    public synchronized void ack(String target, long seq) {
        ensureOpen();
        requireTarget(target);
        try {
            writeRecord(channel, recordIndex++, ackRecord(target, seq));
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acked.merge(target, seq, Math::max);
        entries.headMap(minAck(), true).clear();
        compactIfWorthIt(false);
    }

    private Long requireTarget(String target) {
        Long v = acked.get(target);
        if (v == null) {
            throw new IllegalArgumentException("unknown upload target " + target);
        }
        return v;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("queue closed");
        }
    }

    private void compactIfWorthIt(boolean atOpen) {
        long live = entries.size() + cursors.size() * 2L + targets.size() + 16;
        if (recordIndex > 4096 && recordIndex > 4 * live || (atOpen && recordIndex > 2 * live + 64)) {
            compact();
        }
    }

    /** Rewrites the journal with only what is still needed. */
    public synchronized void compact() {
        ensureOpen();
        Path file = dir.resolve(JOURNAL_FILE);
        Path tmp = dir.resolve(JOURNAL_FILE + ".compact");
        try {
            Files.deleteIfExists(tmp);
            byte[] oldId = fileId;
            byte[] id = new byte[16];
            new SecureRandom().nextBytes(id);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
            FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE);
            fileId = id;
            long index = 0;
            try {
                writeHeader(ch, id);
                // the newest sessions only: older ones will not be backfilled again
                List<Map.Entry<Instant, SessionCursor>> sessions = new ArrayList<>(cursors.entrySet());
                sessions.sort(Map.Entry.comparingByKey());
                List<Map.Entry<Instant, SessionCursor>> keep =
                        sessions.subList(Math.max(0, sessions.size() - 3), sessions.size());
                for (Map.Entry<Instant, SessionCursor> s : keep) {
                    writeRecord(ch, index++, cursorRecord(s.getKey(), s.getValue().last()));
                    for (int offset : s.getValue().seenAbove()) {
                        writeRecord(ch, index++, seenRecord(s.getKey(), offset));
                    }
                }
                for (Map.Entry<String, Long> a : acked.entrySet()) {
                    writeRecord(ch, index++, ackRecord(a.getKey(), a.getValue()));
                }
                for (JournalEntry e : entries.values()) {
                    writeRecord(ch, index++, readingRecord(e));
                }
                // an ACK for no target keeps the sequence counter monotonic when nothing is pending
                writeRecord(ch, index++, ackRecord("", nextSeq - 1));
                ch.force(true);
            } catch (IOException | RuntimeException e) {
                ch.close();
                fileId = oldId;
                throw e;
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory();
            channel.close();
            channel = ch;
            recordIndex = index;
            Map<Instant, SessionCursor> kept = new LinkedHashMap<>();
            cursors.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .skip(Math.max(0, cursors.size() - 3)).forEach(e -> kept.put(e.getKey(), e.getValue()));
            cursors.clear();
            cursors.putAll(kept);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename itself is atomic
        }
    }

    /** The queue directory. */
    public Path directory() {
        return dir;
    }

    /** Readings received and not yet uploaded everywhere, plus all cursors: for tests and status output. */
    public synchronized int entryCount() {
        return entries.size();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        notifyAll();
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("queue: closing the journal failed: {}", e.toString());
        }
    }
}
