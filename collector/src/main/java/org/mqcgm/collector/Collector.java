package org.mqcgm.collector;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.mqcgm.collector.queue.JournalEntry;
import org.mqcgm.collector.queue.ReadingJournal;
import org.mqcgm.collector.queue.SessionCursor;
import org.mqcgm.collector.transport.CgmTransport;
import org.mqcgm.collector.transport.TransportException;
import org.mqcgm.core.ble.CgmFeature;
import org.mqcgm.core.ble.CgmMeasurement;
import org.mqcgm.core.ble.CgmMeasurementNotification;
import org.mqcgm.core.ble.CgmStatus;
import org.mqcgm.core.ble.CgmsCharacteristic;
import org.mqcgm.core.ble.CgmsCodec;
import org.mqcgm.core.ble.CodecContext;
import org.mqcgm.core.ble.DecodeError;
import org.mqcgm.core.ble.Decoded;
import org.mqcgm.core.ble.RecordAccessControlPoint;
import org.mqcgm.core.ble.SFloat;
import org.mqcgm.core.ble.SensorStatusAnnunciation;
import org.mqcgm.core.ble.SessionStartTime;
import org.mqcgm.core.ble.SocpOperation;
import org.mqcgm.core.ble.SpecificOpsControlPoint;
import org.mqcgm.core.ble.sensor.Advertisement;
import org.mqcgm.core.glucose.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CGMS client (ble-cgms.md §4): finds the paired sensor (or pairs with the first CGMS sensor a scan finds),
 * connects and bonds, reads the CGM Feature to know whether values carry an E2E-CRC, enables notifications and
 * indications, starts a session if none is running and writes the Session Start Time, and then receives
 * measurements. After every (re)connection it backfills what it missed with RACP "report records with time
 * offset ≥ last + 1".
 *
 * <p>Every record is validated and deduplicated on (session start, time offset), converted to an absolute UTC
 * instant (Session Start Time with its time zone and DST + offset) with the wearer's UTC offset at that instant,
 * and appended to the {@link ReadingJournal} before anything else happens to it. Notifications that fail the CRC
 * or do not decode are rejected and counted ({@code ble_rejected_total{reason="crc"|"malformed"}}) and trigger a
 * backfill; the bytes are never logged. Values outside 20–600 mg/dL and the special SFLOAT values are counted
 * ({@code ble_implausible_total}) and kept only as "seen", never uploaded as glucose (PR-17).
 *
 * <p>The session's backfill cursor moves only over records received live with nothing pending, or when a
 * backfill completes with nothing lost on the way, so a crash or a dropped link at any point is followed by a
 * backfill that closes the gap.
 */
public final class Collector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Collector.class);

    private static final int MEASUREMENT = CgmsCharacteristic.CGM_MEASUREMENT.uuid16();
    private static final int FEATURE = CgmsCharacteristic.CGM_FEATURE.uuid16();
    private static final int STATUS = CgmsCharacteristic.CGM_STATUS.uuid16();
    private static final int SST = CgmsCharacteristic.SESSION_START_TIME.uuid16();
    private static final int RACP = CgmsCharacteristic.RECORD_ACCESS_CONTROL_POINT.uuid16();
    private static final int SOCP = CgmsCharacteristic.SPECIFIC_OPS_CONTROL_POINT.uuid16();

    /**
     * @param scanTimeout     how long one scan for a new sensor lasts
     * @param responseTimeout how long to wait for a control point answer (and between backfill records)
     * @param reconnectMin    first wait after a lost link or failed connection
     * @param reconnectMax    longest wait between connection attempts
     * @param startSession    start a session when the sensor has none running
     * @param futureTolerance readings further in the future than this (clock drift) are rejected
     */
    public record Options(Duration scanTimeout, Duration responseTimeout, Duration reconnectMin,
                          Duration reconnectMax, boolean startSession, Duration futureTolerance) {

        public static Options defaults() {
            return new Options(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(200),
                    Duration.ofSeconds(30), true, Duration.ofMinutes(5));
        }

        public Options withReconnect(Duration min, Duration max) {
            return new Options(scanTimeout, responseTimeout, min, max, startSession, futureTolerance);
        }
    }

    private sealed interface Event {
        record Notification(int uuid, byte[] value) implements Event {
        }

        record Indication(int uuid, byte[] value) implements Event {
        }

        record Lost(String reason) implements Event {
        }
    }

    /** The link had a protocol problem worth reconnecting over. */
    private static final class ProtocolException extends Exception {
        ProtocolException(String message) {
            super(message, null, false, false);
        }
    }

    private final CgmTransport transport;
    private final ReadingJournal journal;
    private final PairingFile pairing;
    private final CollectorMetrics metrics;
    private final Clock clock;
    private final ZoneId zone;
    private final Options options;
    private final Thread thread;
    private final Object sleep = new Object();
    private volatile boolean closed;
    private volatile boolean linked;
    private volatile boolean setUp;
    private volatile java.util.function.Consumer<Throwable> errors = e -> { };

    public Collector(CgmTransport transport, ReadingJournal journal, PairingFile pairing, CollectorMetrics metrics,
                     Clock clock, ZoneId zone, Options options) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.pairing = Objects.requireNonNull(pairing, "pairing");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.options = Objects.requireNonNull(options, "options");
        this.thread = new Thread(this::run, "collector");
        this.thread.setDaemon(true);
    }

    public Collector start() {
        thread.start();
        return this;
    }

    /**
     * Where unexpected errors (not a lost link or a protocol problem, which are expected) are reported besides the
     * log: the crash reporter. Set before {@link #start()}.
     */
    public Collector reportErrorsTo(java.util.function.Consumer<Throwable> errors) {
        this.errors = Objects.requireNonNull(errors, "errors");
        return this;
    }

    /** True while connected and set up (tests and status output). */
    public boolean receiving() {
        return linked && setUp;
    }

    private void run() {
        Duration wait = options.reconnectMin();
        while (!closed) {
            boolean wasSetUp = false;
            try {
                String address = pairing.address().isPresent() ? pairing.address().get() : pair();
                BlockingQueue<Event> events = new LinkedBlockingQueue<>();
                transport.connect(address, listener(events));
                linked = true;
                metrics.increment(CollectorMetrics.CONNECTIONS);
                log.info("connected to CGM {}", address);
                if (pairing.address().isEmpty()) {
                    pairing.save(address);
                    log.info("paired with CGM {}", address);
                }
                wasSetUp = session(events);
            } catch (TransportException | ProtocolException e) {
                if (!closed) {
                    log.warn("CGM link: {}", oneLine(e.getMessage()));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                log.error("collector error; reconnecting", e);
                try {
                    errors.accept(e);
                } catch (RuntimeException ignored) {
                    // reporting must never stop the collector
                }
            } finally {
                linked = false;
                setUp = false;
                transport.disconnect();
            }
            wait = wasSetUp ? options.reconnectMin() : min(wait.multipliedBy(2), options.reconnectMax());
            pause(wasSetUp ? options.reconnectMin() : wait);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ");
    }

    private void pause(Duration d) {
        synchronized (sleep) {
            if (!closed) {
                try {
                    sleep.wait(Math.max(1, d.toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Scans for CGMS sensors (the transport drops every other device) and takes the strongest. */
    private String pair() throws TransportException, ProtocolException {
        log.info("scanning for CGM sensors (service 0x181F)");
        List<Advertisement> found = transport.scan(options.scanTimeout());
        Optional<Advertisement> best = found.stream().filter(a -> a.advertises(CgmTransport.CGM_SERVICE))
                .max(Comparator.comparingInt(Advertisement::rssi));
        if (best.isEmpty()) {
            throw new ProtocolException("no CGM sensor found");
        }
        log.info("found CGM {}", best.get().address());
        return best.get().address();
    }

    private static CgmTransport.GattListener listener(BlockingQueue<Event> events) {
        return new CgmTransport.GattListener() {
            @Override
            public void onNotification(int uuid16, byte[] value) {
                events.add(new Event.Notification(uuid16, value));
            }

            @Override
            public void onIndication(int uuid16, byte[] value) {
                events.add(new Event.Indication(uuid16, value));
            }

            @Override
            public void onLinkLost(String reason) {
                events.add(new Event.Lost(reason));
            }
        };
    }

    /** The receive state of one link. */
    private final class Link {
        final BlockingQueue<Event> events;
        final List<Event> deferred = new ArrayList<>();
        CodecContext ctx;
        SessionStartTime sst;
        Instant session;
        SessionCursor cursor;
        boolean racpBusy;
        long racpDeadline;
        boolean gap;
        boolean gapDuringBackfill;
        boolean backfillWanted;
        int backfillFrom;
        int backfillNew;
        int warning = -1;
        int calTemp = -1;

        Link(BlockingQueue<Event> events) {
            this.events = events;
        }
    }

    /** Sets the link up and receives until the link is lost or the collector closes; true if set up. */
    private boolean session(BlockingQueue<Event> events)
            throws TransportException, ProtocolException, InterruptedException {
        Link link = new Link(events);
        CgmFeature feature = decode(CgmsCodec.decodeFeature(transport.read(FEATURE)), "CGM Feature");
        link.ctx = CodecContext.fromFeature(feature);
        transport.subscribe(MEASUREMENT);
        transport.subscribe(RACP);
        transport.subscribe(SOCP);
        CgmStatus status = decode(CgmsCodec.decodeStatus(transport.read(STATUS), link.ctx), "CGM Status");
        boolean stopped = status.annunciation().warnings().contains(SensorStatusAnnunciation.Warning.SESSION_STOPPED);
        SessionStartTime known = decode(CgmsCodec.decodeSessionStartTime(transport.read(SST), link.ctx),
                "Session Start Time");
        // A stopped session with a known start still holds its records: backfill them, never wipe them by
        // starting a new session. Only a sensor that never ran a session is started.
        if (stopped && known.sessionStart().isEmpty()) {
            if (!options.startSession()) {
                log.info("the sensor has no session running; waiting for one");
                return idle(link);
            }
            SocpOperation answer = socp(link, new SocpOperation.StartSession());
            if (!(answer instanceof SocpOperation.ResponseCode rc)
                    || rc.response() != SocpOperation.ResponseValue.SUCCESS) {
                throw new ProtocolException("the sensor did not start a session: " + answer);
            }
            writeSessionStartTime(link);
            log.info("started a new sensor session");
            status = decode(CgmsCodec.decodeStatus(transport.read(STATUS), link.ctx), "CGM Status");
            stopped = false;
        } else if (stopped) {
            log.info("the sensor's session has ended; collecting its stored records");
        }
        link.sst = decode(CgmsCodec.decodeSessionStartTime(transport.read(SST), link.ctx), "Session Start Time");
        if (link.sst.sessionStart().isEmpty()) {
            writeSessionStartTime(link);
            link.sst = decode(CgmsCodec.decodeSessionStartTime(transport.read(SST), link.ctx), "Session Start Time");
            if (link.sst.sessionStart().isEmpty()) {
                throw new ProtocolException("the sensor keeps an unknown Session Start Time");
            }
        }
        link.session = link.sst.sessionStart().get();
        link.cursor = journal.cursor(link.session, true);
        Instant sensorNow = link.sst.timeOf(status.timeOffsetMinutes()).orElseThrow();
        long skew = Duration.between(clock.instant(), sensorNow).toSeconds();
        if (!stopped) {
            metrics.set(CollectorMetrics.CLOCK_SKEW, skew);
        }
        if (!stopped && Math.abs(skew) > 120) {
            log.warn("the sensor's clock is {} s {} this computer's", Math.abs(skew), skew > 0 ? "ahead of" : "behind");
        }
        noteConditions(link, status.annunciation());
        setUp = true;
        startBackfill(link);
        List<Event> early = new ArrayList<>(link.deferred);
        link.deferred.clear();
        for (Event e : early) {
            if (!handle(link, e)) {
                return true;
            }
        }
        while (!closed) {
            Event e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e == null) {
                housekeeping(link);
            } else if (!handle(link, e)) {
                return true;
            }
        }
        return true;
    }

    private boolean idle(Link link) throws InterruptedException {
        while (!closed) {
            Event e = link.events.poll(100, TimeUnit.MILLISECONDS);
            if (e instanceof Event.Lost lost) {
                linkLost(lost);
                return false;
            }
        }
        return false;
    }

    private static <T> T decode(Decoded<T> d, String what) throws ProtocolException {
        if (d instanceof Decoded.Invalid<T> invalid) {
            throw new ProtocolException(what + " did not decode: " + invalid.error().kind());
        }
        return d.orElseThrow();
    }

    private void writeSessionStartTime(Link link) throws TransportException {
        Instant now = clock.instant();
        var rules = zone.getRules();
        int standard = rules.getStandardOffset(now).getTotalSeconds();
        long dstMinutes = rules.getDaylightSavings(now).toMinutes();
        SessionStartTime.DstOffset dst = switch ((int) dstMinutes) {
            case 0 -> SessionStartTime.DstOffset.STANDARD_TIME;
            case 30 -> SessionStartTime.DstOffset.HALF_AN_HOUR_DAYLIGHT_TIME;
            case 60 -> SessionStartTime.DstOffset.DAYLIGHT_TIME;
            case 120 -> SessionStartTime.DstOffset.DOUBLE_DAYLIGHT_TIME;
            default -> SessionStartTime.DstOffset.UNKNOWN;
        };
        int tz = standard % 900 == 0 ? standard / 900 : SessionStartTime.TIME_ZONE_UNKNOWN;
        if (dst == SessionStartTime.DstOffset.UNKNOWN || tz == SessionStartTime.TIME_ZONE_UNKNOWN) {
            // an offset the characteristic cannot express: send UTC, which it can
            tz = 0;
            dst = SessionStartTime.DstOffset.STANDARD_TIME;
            now = now.atOffset(ZoneOffset.UTC).toInstant();
            standard = 0;
            dstMinutes = 0;
        }
        LocalDateTime local = LocalDateTime.ofInstant(now, ZoneOffset.ofTotalSeconds(standard + (int) dstMinutes * 60));
        SessionStartTime value = SessionStartTime.of(local, tz, dst)
                .withCrc(link.ctx.e2eCrc() == CodecContext.E2eCrcSupport.SUPPORTED);
        transport.write(SST, CgmsCodec.encodeSessionStartTime(value));
    }

    private SocpOperation socp(Link link, SocpOperation op)
            throws TransportException, ProtocolException, InterruptedException {
        boolean crc = link.ctx.e2eCrc() == CodecContext.E2eCrcSupport.SUPPORTED;
        transport.write(SOCP, CgmsCodec.encodeSpecificOpsControlPoint(SpecificOpsControlPoint.of(op, crc)));
        long deadline = System.nanoTime() + options.responseTimeout().toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Event e = left <= 0 ? null : link.events.poll(left, TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new ProtocolException("no answer to " + op.opCode() + " within "
                        + options.responseTimeout().toSeconds() + " s");
            }
            if (e instanceof Event.Indication i && i.uuid() == SOCP) {
                return decode(CgmsCodec.decodeSpecificOpsControlPoint(i.value(), link.ctx), "SOCP answer")
                        .operation();
            }
            if (e instanceof Event.Lost lost) {
                throw new ProtocolException("link lost: " + lost.reason());
            }
            link.deferred.add(e);
        }
    }

    /** Handles one event; false when the link is gone. */
    private boolean handle(Link link, Event e) throws TransportException {
        switch (e) {
            case Event.Notification n when n.uuid() == MEASUREMENT -> measurement(link, n.value());
            case Event.Indication i when i.uuid() == RACP -> racp(link, i.value());
            case Event.Lost lost -> {
                linkLost(lost);
                return false;
            }
            default -> {
                // a SOCP answer nobody waits for, or a characteristic we do not use
            }
        }
        housekeeping(link);
        return true;
    }

    private void linkLost(Event.Lost lost) {
        metrics.increment(CollectorMetrics.LINK_LOST);
        log.info("CGM link lost ({}); reconnecting", oneLine(lost.reason()));
    }

    private void housekeeping(Link link) throws TransportException {
        if (link.racpBusy && System.nanoTime() - link.racpDeadline > 0) {
            log.warn("backfill stalled; aborting it and asking again");
            link.racpBusy = false;
            link.backfillWanted = true;
            try {
                transport.write(RACP, CgmsCodec.encodeRecordAccessControlPoint(
                        new RecordAccessControlPoint.AbortOperation()));
            } catch (TransportException ex) {
                if (ex.attError().isEmpty()) {
                    throw ex;
                }
            }
        }
        if (link.backfillWanted && !link.racpBusy) {
            startBackfill(link);
        }
    }

    private void startBackfill(Link link) throws TransportException {
        int from = link.cursor.last() + 1;
        if (from > 0xFFFF) {
            return;
        }
        link.racpBusy = true;
        link.racpDeadline = System.nanoTime() + options.responseTimeout().toNanos();
        link.gap = false;
        link.gapDuringBackfill = false;
        link.backfillWanted = false;
        link.backfillFrom = from;
        link.backfillNew = 0;
        log.info("backfill: asking the sensor for records from time offset {}", from);
        try {
            transport.write(RACP, CgmsCodec.encodeRecordAccessControlPoint(
                    new RecordAccessControlPoint.ReportStoredRecords(
                            new RecordAccessControlPoint.TimeOffsetAtLeast(from))));
        } catch (TransportException e) {
            link.racpBusy = false;
            if (e.attError().isEmpty()) {
                throw e;
            }
            link.backfillWanted = true; // e.g. 0xFE: a procedure is still running; try again later
            link.racpDeadline = System.nanoTime() + options.responseTimeout().toNanos();
        }
    }

    private void racp(Link link, byte[] value) {
        Decoded<RecordAccessControlPoint> d = CgmsCodec.decodeRecordAccessControlPoint(value);
        if (!(d.toOptional().orElse(null) instanceof RecordAccessControlPoint.ResponseCode rc)
                || rc.requestOpCode() != RecordAccessControlPoint.OpCode.REPORT_STORED_RECORDS.code()
                || !link.racpBusy) {
            return;
        }
        link.racpBusy = false;
        boolean finished = rc.response() == RecordAccessControlPoint.ResponseValue.SUCCESS
                || rc.response() == RecordAccessControlPoint.ResponseValue.NO_RECORDS_FOUND;
        if (!finished) {
            log.warn("backfill refused by the sensor: {}", rc.response().label());
            return;
        }
        metrics.increment(CollectorMetrics.BACKFILLS);
        if (link.gapDuringBackfill) {
            link.backfillWanted = true;
            log.info("backfill from {} done with {} new records, but a record was rejected: asking again",
                    link.backfillFrom, link.backfillNew);
        } else {
            journal.completeBackfill(link.session, link.backfillFrom - 1);
            log.info("backfill from {} done: {} new records", link.backfillFrom, link.backfillNew);
        }
    }

    private void measurement(Link link, byte[] value) {
        Decoded<CgmMeasurementNotification> d = CgmsCodec.decodeMeasurement(value, link.ctx);
        if (d instanceof Decoded.Invalid<CgmMeasurementNotification> invalid) {
            DecodeError.Kind kind = invalid.error().kind();
            String reason = switch (kind) {
                case BAD_CRC, MISSING_CRC, UNEXPECTED_CRC -> "crc";
                default -> "malformed";
            };
            metrics.increment(CollectorMetrics.REJECTED, "reason", reason);
            // the kind and the length only: raw payloads are never logged
            log.warn("rejected a CGM Measurement notification: {} ({} bytes)", kind, value.length);
            link.gap = true;
            if (link.racpBusy) {
                link.gapDuringBackfill = true;
            } else {
                link.backfillWanted = true;
            }
            return;
        }
        boolean advances = !link.racpBusy && !link.gap && !link.backfillWanted;
        Instant latestAllowed = clock.instant().plus(options.futureTolerance());
        List<JournalEntry> fresh = new ArrayList<>();
        Set<Integer> inThis = new HashSet<>();
        for (CgmMeasurement r : d.orElseThrow().records()) {
            metrics.increment(CollectorMetrics.RECORDS);
            int offset = r.timeOffsetMinutes();
            if (link.cursor.seen(offset) || !inThis.add(offset)) {
                metrics.increment(CollectorMetrics.DUPLICATES);
                continue;
            }
            Instant time = link.sst.timeOf(offset).orElseThrow();
            int mgdl = glucose(r.glucoseConcentration());
            if (mgdl > 0 && time.isAfter(latestAllowed)) {
                metrics.increment(CollectorMetrics.REJECTED, "reason", "future");
                mgdl = 0;
            }
            SensorStatusAnnunciation a = r.annunciation();
            fresh.add(new JournalEntry(0, link.session, offset, time, zone.getRules().getOffset(time), mgdl,
                    a.warning().orElse(-1), a.calTemp().orElse(-1), a.status().orElse(-1), advances));
            noteConditions(link, a);
        }
        if (!fresh.isEmpty()) {
            journal.append(fresh);
            if (link.racpBusy) {
                link.backfillNew += fresh.size();
                link.racpDeadline = System.nanoTime() + options.responseTimeout().toNanos();
            }
        }
    }

    /** Whole mg/dL, or 0 (counted) for values that are not plausible glucose readings. */
    private int glucose(SFloat value) {
        if (value instanceof SFloat.Special s) {
            String kind = switch (s) {
                case NAN -> "nan";
                case NRES -> "nres";
                case POSITIVE_INFINITY -> "high";
                case NEGATIVE_INFINITY -> "low";
            };
            metrics.increment(CollectorMetrics.IMPLAUSIBLE, "kind", kind);
            return 0;
        }
        BigDecimal mg = value.decimal().orElseThrow().setScale(0, RoundingMode.HALF_UP);
        if (mg.compareTo(BigDecimal.valueOf(Reading.MIN_MGDL)) < 0
                || mg.compareTo(BigDecimal.valueOf(Reading.MAX_MGDL)) > 0) {
            metrics.increment(CollectorMetrics.IMPLAUSIBLE, "kind", "out_of_range");
            return 0;
        }
        return mg.intValueExact();
    }

    private void noteConditions(Link link, SensorStatusAnnunciation a) {
        int w = a.warning().orElse(0) & ~(1 << SensorStatusAnnunciation.Warning.SESSION_STOPPED.bit());
        int c = a.calTemp().orElse(0);
        if (w == link.warning && c == link.calTemp) {
            return;
        }
        link.warning = w;
        link.calTemp = c;
        SensorStatusAnnunciation view = SensorStatusAnnunciation.of(w, c, 0);
        for (SensorStatusAnnunciation.Warning x : SensorStatusAnnunciation.Warning.values()) {
            metrics.set("ble_sensor_condition", view.warnings().contains(x) ? 1 : 0, "condition",
                    x.name().toLowerCase(java.util.Locale.ROOT));
        }
        for (SensorStatusAnnunciation.CalTemp x : SensorStatusAnnunciation.CalTemp.values()) {
            metrics.set("ble_sensor_condition", view.calTempConditions().contains(x) ? 1 : 0, "condition",
                    x.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (w != 0 || c != 0) {
            log.info("sensor reports: {} {}", view.warnings(), view.calTempConditions());
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (sleep) {
            sleep.notifyAll();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.disconnect();
    }
}
