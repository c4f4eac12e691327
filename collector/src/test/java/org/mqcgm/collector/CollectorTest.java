package org.mqcgm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.collector.queue.JournalEntry;
import org.mqcgm.collector.queue.ReadingJournal;
import org.mqcgm.testkit.LogCapture;
import org.mqcgm.collector.transport.CgmTransport;
import org.mqcgm.collector.transport.InProcessTransport;
import org.mqcgm.collector.transport.SensorHost;
import org.mqcgm.collector.transport.SimulatorServer;
import org.mqcgm.collector.transport.SocketTransport;
import org.mqcgm.collector.transport.TransportException;
import org.mqcgm.core.ble.CgmMeasurement;
import org.mqcgm.core.ble.CgmsCharacteristic;
import org.mqcgm.core.ble.CgmsCodec;
import org.mqcgm.core.ble.Hex;
import org.mqcgm.core.ble.sensor.Advertisement;
import org.mqcgm.core.ble.sensor.GlucoseSource;
import org.mqcgm.core.ble.sensor.Neighbourhood;
import org.mqcgm.core.ble.sensor.SensorConfig;
import org.mqcgm.core.ble.sensor.VirtualCgmSensor;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/** The CGMS client against the virtual sensor, with a hand-moved clock: live data, backfill, faults, restarts. */
class CollectorTest {

    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
    static final String CGM = "C0:FF:EE:00:18:1F";
    static final String TARGET = "test";

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T0);
    final GlucoseTrace trace = new GlucoseTrace(11, ZONE);
    final CollectorMetrics metrics = new CollectorMetrics();
    final List<AutoCloseable> open = new ArrayList<>();
    SensorHost host;
    ReadingJournal journal;
    Collector collector;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    SensorConfig config() {
        return SensorConfig.defaults(CGM, GlucoseSource.trace(trace));
    }

    void startSensor(SensorConfig config, List<Advertisement> neighbours) {
        host = new SensorHost(new VirtualCgmSensor(config), clock, neighbours);
        open.add(host);
    }

    void startCollector(CgmTransport transport) {
        journal = ReadingJournal.open(dir.resolve("queue"), List.of(TARGET));
        open.add(journal);
        collector = new Collector(transport, journal, new PairingFile(dir.resolve("queue")), metrics, clock, ZONE,
                Collector.Options.defaults().withReconnect(Duration.ofMillis(20), Duration.ofMillis(200)));
        open.add(collector);
        long backfills = metrics.value(CollectorMetrics.BACKFILLS);
        collector.start();
        // set up is not enough: the collector asks for its first backfill after setting up, and whatever the
        // sensor measures before that request arrives live and again in the backfill (counted as duplicates)
        Wait.untilShowing("collector set up and its first backfill done",
                () -> collector.receiving() && metrics.value(CollectorMetrics.BACKFILLS) > backfills,
                metrics::prometheusText);
    }

    void stopCollector() {
        collector.close();
        journal.close();
        open.remove(collector);
        open.remove(journal);
    }

    /** Moves the clock in 1-minute steps, letting the sensor produce what is due at each. */
    void live(Duration d) {
        for (long m = 0; m < d.toMinutes(); m++) {
            clock.advance(Duration.ofMinutes(1));
            host.tick();
        }
    }

    <T> T sensor(Function<VirtualCgmSensor, T> f) {
        return host.inspect(f);
    }

    List<JournalEntry> pending() {
        return journal.pending(TARGET, 100_000);
    }

    void awaitAllStoredRecordsQueued() {
        Wait.untilShowing("every sensor record queued",
                () -> pending().size() == sensor(VirtualCgmSensor::storedRecordCount),
                () -> pending().size() + " of " + sensor(VirtualCgmSensor::storedRecordCount) + "\n"
                        + metrics.prometheusText());
    }

    @Test
    void liveReadingsGetTheSessionTimePlusOffsetAndTheWearersUtcOffset() {
        startSensor(config(), List.of());
        startCollector(new InProcessTransport(host));
        live(Duration.ofMinutes(30));
        awaitAllStoredRecordsQueued();
        List<JournalEntry> queued = pending();
        assertThat(queued).hasSize(7);
        for (int i = 0; i < queued.size(); i++) {
            JournalEntry e = queued.get(i);
            assertThat(e.timeOffset()).isEqualTo(5 * i);
            assertThat(e.time()).isEqualTo(T0.plus(Duration.ofMinutes(5L * i)));
            assertThat(e.utcOffset()).isEqualTo(ZoneOffset.ofHours(8));
            assertThat(e.mgdl()).isEqualTo(trace.mgdlAt(e.time()));
        }
        assertThat(metrics.value(CollectorMetrics.CONNECTIONS)).isEqualTo(1);
        // the collector wrote the Session Start Time in the wearer's zone: UTC+8 = 32 × 15 min, no DST
        assertThat(host.inspect(s -> s.sessionStartTime().timeZone()).intValue()).isEqualTo(32);
    }

    @Test
    void afterAForcedDisconnectTheMissedRecordsAreBackfilledWithoutDuplicates() {
        startSensor(config().withInterval(1), List.of());
        startCollector(new InProcessTransport(host));
        live(Duration.ofMinutes(20));
        awaitAllStoredRecordsQueued();
        host.setInRange(false);
        Wait.until("collector noticed the loss", () -> !collector.receiving());
        live(Duration.ofMinutes(45)); // recorded by the sensor, not delivered
        host.setInRange(true);
        Wait.until("reconnected", collector::receiving);
        live(Duration.ofMinutes(10));
        awaitAllStoredRecordsQueued();
        assertThat(pending()).extracting(JournalEntry::timeOffset).doesNotHaveDuplicates().hasSize(76)
                .isSorted();
        assertThat(metrics.value(CollectorMetrics.BACKFILLS)).isGreaterThanOrEqualTo(2);
        assertThat(metrics.value(CollectorMetrics.LINK_LOST)).isEqualTo(1);
        // a drop injected by the sensor itself every 7 notifications changes nothing either
        host.inspect(s -> {
            s.dropConnectionEvery(7);
            return null;
        });
        for (int i = 0; i < 30; i++) {
            live(Duration.ofMinutes(1));
            Wait.until("reconnected", collector::receiving);
        }
        awaitAllStoredRecordsQueued();
        assertThat(pending()).extracting(JournalEntry::timeOffset).doesNotHaveDuplicates().hasSize(106);
    }

    @Test
    @Tag("PR-17")
    void aPacketFailingTheCrcIsRejectedCountedNeverLoggedAndRecoveredByBackfill() {
        startSensor(config(), List.of());
        try (LogCapture logs = new LogCapture()) {
            startCollector(new InProcessTransport(host));
            live(Duration.ofMinutes(10));
            awaitAllStoredRecordsQueued();
            host.inspect(s -> {
                s.injectCorruption(1);
                return null;
            });
            live(Duration.ofMinutes(5));
            Wait.until("crc rejection counted", () -> metrics.value(CollectorMetrics.REJECTED, "reason", "crc") == 1);
            awaitAllStoredRecordsQueued();
            assertThat(pending()).extracting(JournalEntry::timeOffset).containsExactly(0, 5, 10, 15);
            assertThat(metrics.prometheusText()).contains("ble_rejected_total{reason=\"crc\"} 1");
            // the corrupted bytes differ from the stored record in one bit of the glucose field
            CgmMeasurement record = sensor(s -> s.storedRecords().get(3));
            byte[] good = CgmsCodec.encodeMeasurementRecord(record);
            byte[] bad = good.clone();
            bad[2] ^= 0x01;
            assertThat(logs.text()).contains("rejected a CGM Measurement notification: BAD_CRC (10 bytes)")
                    .doesNotContain(Hex.format(bad)).doesNotContain(Hex.format(bad, " "))
                    .doesNotContain(Hex.format(good));
        }
    }

    @Test
    @Tag("PR-17")
    void theSameRecordReplayedAHundredTimesIsQueuedOnce() {
        startSensor(config(), List.of());
        startCollector(new InProcessTransport(host));
        host.inspect(s -> {
            s.injectDuplicates(1, 100);
            return null;
        });
        live(Duration.ofMinutes(4));
        Wait.untilShowing("99 duplicates counted", () -> metrics.value(CollectorMetrics.DUPLICATES) >= 99,
                metrics::prometheusText);
        awaitAllStoredRecordsQueued();
        assertThat(pending()).hasSize(1);
    }

    @Test
    @Tag("PR-17")
    void implausibleAndSpecialValuesAreCountedAndNotQueuedAsGlucose() {
        startSensor(config(), List.of());
        startCollector(new InProcessTransport(host));
        host.inspect(s -> {
            s.overrideNextValues(GlucoseSource.parseValue("9999"), 1);
            return null;
        });
        live(Duration.ofMinutes(5));
        host.inspect(s -> {
            s.overrideNextValues(org.mqcgm.core.ble.SFloat.Special.NAN, 1);
            return null;
        });
        live(Duration.ofMinutes(10));
        Wait.until("four records seen", () -> metrics.value(CollectorMetrics.RECORDS) >= 4);
        Wait.until("implausible counted", () -> metrics.value(CollectorMetrics.IMPLAUSIBLE, "kind", "nan") == 1);
        assertThat(metrics.value(CollectorMetrics.IMPLAUSIBLE, "kind", "out_of_range")).isEqualTo(1);
        Wait.until("the plausible ones queued", () -> pending().size() == 2);
        // offset 0 carried 9999 mg/dL, offset 10 NaN: neither is queued as glucose
        assertThat(pending()).extracting(JournalEntry::timeOffset).containsExactly(5, 15);
        assertThat(pending()).allMatch(e -> e.mgdl() >= 20 && e.mgdl() <= 600);
    }

    @Test
    void aRestartedCollectorResumesWhereItStoppedWithoutDuplicates() {
        startSensor(config(), List.of());
        startCollector(new InProcessTransport(host));
        live(Duration.ofMinutes(30));
        awaitAllStoredRecordsQueued();
        stopCollector();
        live(Duration.ofMinutes(60)); // while the collector is not running
        long backfills = metrics.value(CollectorMetrics.BACKFILLS);
        startCollector(new InProcessTransport(host)); // returns once the backfill closed the 60-minute gap
        assertThat(metrics.value(CollectorMetrics.BACKFILLS)).isEqualTo(backfills + 1);
        assertThat(pending()).hasSize(19);
        live(Duration.ofMinutes(15));
        awaitAllStoredRecordsQueued();
        assertThat(pending()).extracting(JournalEntry::timeOffset).doesNotHaveDuplicates().hasSize(22);
        assertThat(metrics.value(CollectorMetrics.DUPLICATES)).isZero();
    }

    /**
     * The interleaving behind the restart test's one CI failure ("DUPLICATES 7 vs 0"), forced: the sensor measures
     * for 30 minutes after the collector subscribed and before its first backfill request reaches the sensor. Those
     * records arrive live and again in the backfill; the second copies are counted and dropped, never queued (so
     * never uploaded) twice, and a restart resumes after them.
     */
    @Test
    void recordsMeasuredBeforeTheFirstBackfillRequestArriveTwiceAndAreQueuedOnce() {
        startSensor(config(), List.of());
        startCollector(new MeasuringBeforeFirstBackfill(new InProcessTransport(host),
                () -> live(Duration.ofMinutes(30))));
        awaitAllStoredRecordsQueued();
        assertThat(pending()).extracting(JournalEntry::timeOffset).containsExactly(0, 5, 10, 15, 20, 25, 30);
        assertThat(metrics.value(CollectorMetrics.DUPLICATES)).isEqualTo(7);
        stopCollector();
        live(Duration.ofMinutes(60));
        startCollector(new InProcessTransport(host));
        live(Duration.ofMinutes(15));
        awaitAllStoredRecordsQueued();
        assertThat(pending()).extracting(JournalEntry::timeOffset).doesNotHaveDuplicates().hasSize(22);
        assertThat(metrics.value(CollectorMetrics.DUPLICATES)).isEqualTo(7);
    }

    /** A transport that runs {@code measure} on the collector's thread just before its first RACP request. */
    static final class MeasuringBeforeFirstBackfill implements CgmTransport {
        private static final int RACP = CgmsCharacteristic.RECORD_ACCESS_CONTROL_POINT.uuid16();
        private final CgmTransport delegate;
        private Runnable measure;

        MeasuringBeforeFirstBackfill(CgmTransport delegate, Runnable measure) {
            this.delegate = delegate;
            this.measure = measure;
        }

        @Override
        public List<Advertisement> scan(Duration timeout) throws TransportException {
            return delegate.scan(timeout);
        }

        @Override
        public void connect(String address, GattListener listener) throws TransportException {
            delegate.connect(address, listener);
        }

        @Override
        public byte[] read(int uuid16) throws TransportException {
            return delegate.read(uuid16);
        }

        @Override
        public void write(int uuid16, byte[] value) throws TransportException {
            if (uuid16 == RACP && measure != null) {
                Runnable once = measure;
                measure = null;
                once.run();
            }
            delegate.write(uuid16, value);
        }

        @Override
        public void subscribe(int uuid16) throws TransportException {
            delegate.subscribe(uuid16);
        }

        @Override
        public void disconnect() {
            delegate.disconnect();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @Test
    void sensorConditionsAreKeptWithTheReadingsAndExposed() {
        startSensor(config().withCalibrationRequiredAfter(Duration.ofMinutes(10)), List.of());
        startCollector(new InProcessTransport(host));
        live(Duration.ofMinutes(15));
        awaitAllStoredRecordsQueued();
        List<JournalEntry> q = pending();
        assertThat(q.get(1).calTemp()).isEqualTo(-1);
        assertThat(q.get(2).calTemp()).isEqualTo(1 << 3); // calibration required
        Wait.until("gauge set", () -> metrics.value("ble_sensor_condition", "condition", "calibration_required") == 1);
    }

    @Test
    @Tag("PR-16")
    void amongTwentyForeignDevicesOnlyTheCgmAddressIsEverRecorded() throws Exception {
        List<Advertisement> foreign = Neighbourhood.foreignDevices(20, 42);
        startSensor(config(), foreign);
        SimulatorServer server = SimulatorServer.unix(host, dir.resolve("sim.sock"));
        open.add(server);
        try (LogCapture logs = new LogCapture()) {
            startCollector(SocketTransport.unix(dir.resolve("sim.sock")));
            live(Duration.ofMinutes(10));
            awaitAllStoredRecordsQueued();
            StringBuilder recorded = new StringBuilder(logs.text()).append('\n').append(metrics.prometheusText());
            try (Stream<Path> files = Files.walk(dir.resolve("queue"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    recorded.append('\n').append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                }
            }
            assertThat(recorded.toString()).contains(CGM);
            for (Advertisement a : foreign) {
                assertThat(recorded.toString()).doesNotContainIgnoringCase(a.address())
                        .doesNotContain(a.name());
            }
            assertThat(Files.readString(dir.resolve("queue").resolve(PairingFile.FILE)).strip()).isEqualTo(CGM);
        }
    }

    @Test
    void clockDriftIsMeasuredAndReadingsInTheFutureAreNotUploaded() throws IOException {
        startSensor(config().withInterval(1), List.of());
        host.inspect(s -> {
            s.setClockDriftPpm(200_000); // 20 % fast
            return null;
        });
        startCollector(new InProcessTransport(host));
        live(Duration.ofMinutes(40));
        Wait.untilShowing("future readings rejected",
                () -> metrics.value(CollectorMetrics.REJECTED, "reason", "future") > 0, metrics::prometheusText);
        assertThat(pending()).allMatch(e -> !e.time().isAfter(clock.instant().plus(Duration.ofMinutes(5))));
    }
}
