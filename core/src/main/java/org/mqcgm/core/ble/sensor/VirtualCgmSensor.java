package org.mqcgm.core.ble.sensor;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.mqcgm.core.ble.CalibrationValue;
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
import org.mqcgm.core.ble.RecordAccessControlPoint.Filter;
import org.mqcgm.core.ble.SFloat;
import org.mqcgm.core.ble.SensorStatusAnnunciation;
import org.mqcgm.core.ble.SensorStatusAnnunciation.CalTemp;
import org.mqcgm.core.ble.SensorStatusAnnunciation.Warning;
import org.mqcgm.core.ble.SessionRunTime;
import org.mqcgm.core.ble.SessionStartTime;
import org.mqcgm.core.ble.SocpOperation;
import org.mqcgm.core.ble.SpecificOpsControlPoint;

/**
 * A virtual CGM sensor implementing the GATT server side of CGMS (ble-cgms.md §1, §4) as a pure state machine.
 *
 * <p>Every input carries the current instant; outputs are the values read, {@link AttError}s, and lists of
 * {@link GattMessage}s (notifications, indications, link loss) the caller delivers to the collector. Not
 * thread-safe: a transport serialises calls.
 *
 * <p>Behaviour: no session until SOCP Start Session ({@code 1A}); then, after the warm-up, one measurement every
 * 1 or 5 minutes of <em>sensor</em> time (which runs fast or slow under {@link #setClockDriftPpm(long) clock
 * drift}), stored in a record store (capacity-bounded, keyed by time offset) and notified when connected with
 * notifications enabled. The Session Start Time the collector writes is stored shifted back by the session's
 * elapsed time, so Session Start Time + time offset is the record's absolute time. RACP reports, counts and
 * deletes stored records by time offset (all, ≤, ≥, range, first, last) and supports abort; reported records
 * arrive as CGM Measurement notifications in batches ({@link #pump()}) followed by the RACP response. Every
 * CGMS attribute needs a bonded link (ATT 0x05 otherwise); control points need their CCCD (ATT 0xFD); with
 * E2E-CRC, writes without or with a wrong CRC get ATT 0x80 / 0x81.
 */
public final class VirtualCgmSensor {

    /** Records sent per {@link #pump()} call of a RACP report. */
    public static final int RECORDS_PER_PUMP = 16;

    private static final int MEASUREMENT = CgmsCharacteristic.CGM_MEASUREMENT.uuid16();
    private static final int FEATURE = CgmsCharacteristic.CGM_FEATURE.uuid16();
    private static final int STATUS = CgmsCharacteristic.CGM_STATUS.uuid16();
    private static final int SST = CgmsCharacteristic.SESSION_START_TIME.uuid16();
    private static final int SRT = CgmsCharacteristic.SESSION_RUN_TIME.uuid16();
    private static final int RACP = CgmsCharacteristic.RECORD_ACCESS_CONTROL_POINT.uuid16();
    private static final int SOCP = CgmsCharacteristic.SPECIFIC_OPS_CONTROL_POINT.uuid16();
    private static final SessionStartTime UNKNOWN_START =
            new SessionStartTime(0, 0, 0, 0, 0, 0, SessionStartTime.TIME_ZONE_UNKNOWN,
                    SessionStartTime.DstOffset.UNKNOWN, false);

    private final SensorConfig config;
    private final CgmFeature feature;
    private final CodecContext ctx;

    private boolean connected;
    private boolean bonded;
    private final Set<Integer> subscribed = new HashSet<>();

    private boolean running;
    private Instant sessionStartReal;
    private SessionStartTime sessionStartTime = UNKNOWN_START;
    private int measurementIndex;
    private int nextOffset;
    private int intervalMinutes;
    private boolean periodicCommunication = true;
    private SFloat previousValue;
    private int produced;

    private int warningBits = 1 << Warning.SESSION_STOPPED.bit();
    private int calTempBits;
    private boolean calibrated;
    private final List<CalibrationValue> calibrations = new ArrayList<>();
    private final Map<SocpOperation.AlertLevel, SFloat> alertLevels = new EnumMap<>(SocpOperation.AlertLevel.class);

    private final NavigableMap<Integer, CgmMeasurement> store = new TreeMap<>();
    private Deque<CgmMeasurement> transfer;

    private int corruptRemaining;
    private int duplicateRemaining;
    private int duplicateCopies = 1;
    private int dropEvery;
    private int notificationsSinceDrop;
    private long driftPpm;
    private SFloat overrideValue;
    private int overrideRemaining;
    private boolean ownClock;

    public VirtualCgmSensor(SensorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.intervalMinutes = config.intervalMinutes();
        int bits = bit(CgmFeature.Feature.CALIBRATION) | bit(CgmFeature.Feature.LOW_BATTERY_DETECTION)
                | bit(CgmFeature.Feature.SENSOR_MALFUNCTION_DETECTION)
                | bit(CgmFeature.Feature.SENSOR_RESULT_HIGH_LOW_DETECTION)
                | (config.e2eCrc() ? bit(CgmFeature.Feature.E2E_CRC) : 0)
                | (config.trend() ? bit(CgmFeature.Feature.CGM_TREND_INFORMATION) : 0);
        this.feature = new CgmFeature(bits, 9, 5); // interstitial fluid, subcutaneous tissue
        this.ctx = CodecContext.fromFeature(feature);
    }

    private static int bit(CgmFeature.Feature f) {
        return 1 << f.bit();
    }

    // ---------------------------------------------------------------- link

    /** The advertisement a scanner sees. */
    public Advertisement advertisement() {
        return config.advertisement();
    }

    /** A collector connected. CCCDs of a bonded peer survive reconnection (ble-cgms.md §4 step 3). */
    public void connect() {
        connected = true;
        notificationsSinceDrop = 0;
        if (!bonded) {
            subscribed.clear();
        }
    }

    /** The collector disconnected; a RACP transfer in progress is abandoned. */
    public void disconnect() {
        connected = false;
        transfer = null;
    }

    /** Pairing completed: LE Secure Connections bond (simulated). */
    public void bond() {
        bonded = true;
    }

    public boolean connected() {
        return connected;
    }

    public boolean bonded() {
        return bonded;
    }

    /** Drops the link now (fault injection, out of range); returns the message the transport delivers. */
    public GattMessage.LinkLost dropConnection(String reason) {
        disconnect();
        return new GattMessage.LinkLost(reason);
    }

    /**
     * Writes a Client Characteristic Configuration Descriptor: notifications for CGM Measurement, indications
     * for RACP and SOCP.
     */
    public void setSubscribed(int uuid16, boolean enabled) {
        requireLink();
        if (uuid16 != MEASUREMENT && uuid16 != RACP && uuid16 != SOCP) {
            throw new AttError(AttError.WRITE_NOT_PERMITTED, "characteristic has no notify/indicate property");
        }
        if (enabled) {
            subscribed.add(uuid16);
        } else {
            subscribed.remove(uuid16);
        }
    }

    private void requireLink() {
        if (!connected) {
            throw new IllegalStateException("not connected");
        }
        if (!bonded) {
            throw new AttError(AttError.INSUFFICIENT_AUTHENTICATION, "bond first");
        }
    }

    // ---------------------------------------------------------------- reads

    /** Reads a characteristic value at {@code now}. */
    public byte[] read(int uuid16, Instant now) {
        requireLink();
        if (uuid16 == FEATURE) {
            return CgmsCodec.encodeFeature(feature);
        } else if (uuid16 == STATUS) {
            return CgmsCodec.encodeStatus(status(now));
        } else if (uuid16 == SST) {
            return CgmsCodec.encodeSessionStartTime(sessionStartTime.withCrc(config.e2eCrc()));
        } else if (uuid16 == SRT) {
            return CgmsCodec.encodeSessionRunTime(new SessionRunTime(config.runTimeHours(), config.e2eCrc()));
        } else if (uuid16 == MEASUREMENT || uuid16 == RACP || uuid16 == SOCP) {
            throw new AttError(AttError.READ_NOT_PERMITTED, "characteristic is not readable");
        }
        throw new AttError(AttError.ATTRIBUTE_NOT_FOUND, "no such characteristic");
    }

    /** CGM Status now: the current time offset and all three annunciation octets. */
    public CgmStatus status(Instant now) {
        int offset = running ? (int) Math.min(0xFFFF, sensorMinutes(now)) : 0;
        return new CgmStatus(offset, SensorStatusAnnunciation.of(warningBits, calTempBits, 0), config.e2eCrc());
    }

    // ---------------------------------------------------------------- time

    /** Produces the measurements due by {@code now}; returns what to deliver (live notifications, link loss). */
    public List<GattMessage> tick(Instant now) {
        List<GattMessage> out = new ArrayList<>();
        while (running) {
            long elapsed = sensorMinutes(now);
            if (nextOffset > elapsed) {
                break;
            }
            if ((config.runTimeHours() > 0 && nextOffset >= config.runTimeHours() * 60) || nextOffset > 0xFFFF) {
                endSession();
                break;
            }
            Instant at = realTimeOf(nextOffset);
            updateConditions(nextOffset);
            Optional<SFloat> value = overrideRemaining > 0 ? Optional.of(overrideValue)
                    : config.source().valueAt(measurementIndex, at);
            if (value.isEmpty()) {
                endSession();
                break;
            }
            if (overrideRemaining > 0) {
                overrideRemaining--;
            }
            CgmMeasurement record = record(value.get(), nextOffset);
            store.put(nextOffset, record);
            while (store.size() > config.capacity()) {
                store.pollFirstEntry();
            }
            produced++;
            measurementIndex++;
            nextOffset += intervalMinutes;
            if (connected && periodicCommunication && subscribed.contains(MEASUREMENT)) {
                notifyLive(record, out);
            }
        }
        return out;
    }

    private void notifyLive(CgmMeasurement record, List<GattMessage> out) {
        byte[] bytes = CgmsCodec.encodeMeasurementRecord(record);
        if (corruptRemaining > 0) {
            corruptRemaining--;
            bytes[2] ^= 0x01; // low byte of the glucose SFLOAT: the E2E-CRC no longer matches
        }
        int copies = 1;
        if (duplicateRemaining > 0) {
            duplicateRemaining--;
            copies = duplicateCopies;
        }
        for (int i = 0; i < copies; i++) {
            out.add(new GattMessage.Notification(MEASUREMENT, bytes));
        }
        notificationsSinceDrop++;
        if (dropEvery > 0 && notificationsSinceDrop >= dropEvery) {
            out.add(dropConnection("fault injection: connection dropped"));
        }
    }

    private CgmMeasurement record(SFloat value, int offset) {
        int status = 0;
        if (value == SFloat.Special.POSITIVE_INFINITY) {
            status = 1 << SensorStatusAnnunciation.Status.RESULT_HIGHER_THAN_DEVICE_CAN_PROCESS.bit();
        } else if (value == SFloat.Special.NEGATIVE_INFINITY) {
            status = 1 << SensorStatusAnnunciation.Status.RESULT_LOWER_THAN_DEVICE_CAN_PROCESS.bit();
        }
        int warning = warningBits & ~(1 << Warning.SESSION_STOPPED.bit());
        SensorStatusAnnunciation annunciation = new SensorStatusAnnunciation(
                warning != 0 ? OptionalInt.of(warning) : OptionalInt.empty(),
                calTempBits != 0 ? OptionalInt.of(calTempBits) : OptionalInt.empty(),
                status != 0 ? OptionalInt.of(status) : OptionalInt.empty());
        CgmMeasurement m = CgmMeasurement.of(value, offset).withAnnunciation(annunciation).withCrc(config.e2eCrc());
        if (config.trend() && value.isFinite() && previousValue != null && previousValue.isFinite()) {
            BigDecimal slope = value.decimal().orElseThrow().subtract(previousValue.decimal().orElseThrow())
                    .divide(BigDecimal.valueOf(intervalMinutes), 1, RoundingMode.HALF_UP);
            Optional<SFloat> trend = SFloat.exactly(slope);
            if (trend.isPresent()) {
                m = m.withTrend(trend.get());
            }
        }
        previousValue = value;
        return m;
    }

    private void updateConditions(int offset) {
        Duration into = Duration.ofMinutes(offset);
        if (!calibrated && config.calibrationRequiredAfter().map(d -> into.compareTo(d) >= 0).orElse(false)) {
            calTempBits |= 1 << CalTemp.CALIBRATION_REQUIRED.bit();
        }
        if (config.batteryLowAfter().map(d -> into.compareTo(d) >= 0).orElse(false)) {
            warningBits |= 1 << Warning.DEVICE_BATTERY_LOW.bit();
        }
    }

    private long sensorMinutes(Instant now) {
        return sensorSeconds(now) / 60;
    }

    private long sensorSeconds(Instant now) {
        double real = Duration.between(sessionStartReal, now).toNanos() / 1e9;
        return (long) Math.floor(real * (1 + driftPpm / 1e6));
    }

    private Instant realTimeOf(int offsetMinutes) {
        return sessionStartReal.plusNanos((long) (offsetMinutes * 60e9 / (1 + driftPpm / 1e6)));
    }

    private void endSession() {
        running = false;
        warningBits |= 1 << Warning.SESSION_STOPPED.bit();
    }

    // ---------------------------------------------------------------- writes

    /** Writes a characteristic value (Write Request); returns the indications/notifications it causes. */
    public List<GattMessage> write(int uuid16, byte[] value, Instant now) {
        requireLink();
        Objects.requireNonNull(value, "value");
        if (uuid16 == SOCP) {
            return writeSocp(value, now);
        } else if (uuid16 == RACP) {
            return writeRacp(value);
        } else if (uuid16 == SST) {
            writeSessionStartTime(value, now);
            return List.of();
        } else if (uuid16 == MEASUREMENT || uuid16 == FEATURE || uuid16 == STATUS || uuid16 == SRT) {
            throw new AttError(AttError.WRITE_NOT_PERMITTED, "characteristic is not writable");
        }
        throw new AttError(AttError.ATTRIBUTE_NOT_FOUND, "no such characteristic");
    }

    private void crcErrors(DecodeError error) {
        if (error.kind() == DecodeError.Kind.MISSING_CRC) {
            throw new AttError(AttError.MISSING_CRC, "missing E2E-CRC");
        }
        if (error.kind() == DecodeError.Kind.BAD_CRC) {
            throw new AttError(AttError.INVALID_CRC, "invalid E2E-CRC");
        }
    }

    private void writeSessionStartTime(byte[] value, Instant now) {
        Decoded<SessionStartTime> decoded = CgmsCodec.decodeSessionStartTime(value, ctx);
        if (decoded instanceof Decoded.Invalid<SessionStartTime> invalid) {
            crcErrors(invalid.error());
            throw new AttError(AttError.OUT_OF_RANGE, invalid.error().reason());
        }
        SessionStartTime written = decoded.orElseThrow();
        Optional<LocalDateTime> local = written.localDateTime();
        if (running && ownClock && written.utcOffset().isPresent()) {
            LocalDateTime start = LocalDateTime.ofInstant(sessionStartReal, written.utcOffset().get());
            written = SessionStartTime.of(start, written.timeZone(), written.dstOffset());
        } else if (running && local.isPresent()) {
            LocalDateTime start = local.get().minusSeconds(sensorSeconds(now));
            written = new SessionStartTime(start.getYear(), start.getMonthValue(), start.getDayOfMonth(),
                    start.getHour(), start.getMinute(), start.getSecond(), written.timeZone(), written.dstOffset(),
                    false);
        }
        sessionStartTime = written.withCrc(false);
    }

    private List<GattMessage> writeSocp(byte[] value, Instant now) {
        if (!subscribed.contains(SOCP)) {
            throw new AttError(AttError.CCCD_IMPROPERLY_CONFIGURED, "enable SOCP indications first");
        }
        if (value.length == 0) {
            throw new AttError(AttError.INVALID_ATTRIBUTE_VALUE_LENGTH, "empty SOCP value");
        }
        Decoded<SpecificOpsControlPoint> decoded = CgmsCodec.decodeSpecificOpsControlPoint(value, ctx);
        SocpOperation response;
        if (decoded instanceof Decoded.Invalid<SpecificOpsControlPoint> invalid) {
            crcErrors(invalid.error());
            int op = value[0] & 0xFF;
            boolean known = SocpOperation.OpCode.fromCode(op).isPresent();
            response = new SocpOperation.ResponseCode(op, known ? SocpOperation.ResponseValue.INVALID_OPERAND
                    : SocpOperation.ResponseValue.OP_CODE_NOT_SUPPORTED);
        } else {
            response = socp(decoded.orElseThrow().operation(), now);
        }
        return List.of(new GattMessage.Indication(SOCP,
                CgmsCodec.encodeSpecificOpsControlPoint(SpecificOpsControlPoint.of(response, config.e2eCrc()))));
    }

    private SocpOperation socp(SocpOperation op, Instant now) {
        int code = op.opCode().code();
        return switch (op) {
            case SocpOperation.StartSession s -> {
                if (running) {
                    yield respond(code, SocpOperation.ResponseValue.PROCEDURE_NOT_COMPLETED);
                }
                startSession(now);
                yield respond(code, SocpOperation.ResponseValue.SUCCESS);
            }
            case SocpOperation.StopSession s -> {
                if (running) {
                    endSession();
                }
                yield respond(code, SocpOperation.ResponseValue.SUCCESS);
            }
            case SocpOperation.SetCommunicationInterval s -> {
                int m = s.minutes();
                if (m == SocpOperation.INTERVAL_DISABLED) {
                    periodicCommunication = false;
                } else if (m == 1 || m == 5 || m == SocpOperation.INTERVAL_FASTEST) {
                    periodicCommunication = true;
                    intervalMinutes = m == SocpOperation.INTERVAL_FASTEST ? 1 : m;
                } else {
                    yield respond(code, SocpOperation.ResponseValue.PARAMETER_OUT_OF_RANGE);
                }
                yield respond(code, SocpOperation.ResponseValue.SUCCESS);
            }
            case SocpOperation.GetCommunicationInterval g ->
                    new SocpOperation.CommunicationIntervalResponse(periodicCommunication ? intervalMinutes : 0);
            case SocpOperation.SetGlucoseCalibrationValue s -> {
                CalibrationValue v = s.value();
                calibrations.add(new CalibrationValue(v.glucoseConcentration(), v.calibrationTimeMinutes(),
                        v.typeCode(), v.sampleLocationCode(), v.nextCalibrationTimeMinutes(), calibrations.size(),
                        v.status()));
                calibrated = true;
                calTempBits &= ~(1 << CalTemp.CALIBRATION_REQUIRED.bit());
                yield respond(code, SocpOperation.ResponseValue.SUCCESS);
            }
            case SocpOperation.GetGlucoseCalibrationValue g -> {
                int n = g.recordNumber() == SocpOperation.CALIBRATION_RECORD_LAST ? calibrations.size() - 1
                        : g.recordNumber();
                if (n < 0 || n >= calibrations.size()) {
                    yield respond(code, SocpOperation.ResponseValue.PARAMETER_OUT_OF_RANGE);
                }
                yield new SocpOperation.GlucoseCalibrationValueResponse(calibrations.get(n));
            }
            case SocpOperation.SetAlertLevel s -> {
                alertLevels.put(s.alert(), s.level());
                yield respond(code, SocpOperation.ResponseValue.SUCCESS);
            }
            case SocpOperation.GetAlertLevel g ->
                    new SocpOperation.AlertLevelResponse(g.alert(), alertLevels.getOrDefault(g.alert(),
                            SFloat.of(defaultAlertLevel(g.alert()), 0)));
            case SocpOperation.ResetDeviceSpecificAlert r -> {
                warningBits &= ~(1 << Warning.DEVICE_SPECIFIC_ALERT.bit());
                yield respond(code, SocpOperation.ResponseValue.SUCCESS);
            }
            default -> respond(code, SocpOperation.ResponseValue.OP_CODE_NOT_SUPPORTED);
        };
    }

    private static int defaultAlertLevel(SocpOperation.AlertLevel alert) {
        return switch (alert) {
            case PATIENT_HIGH -> 180;
            case PATIENT_LOW -> 70;
            case HYPO -> 54;
            case HYPER -> 250;
            case RATE_OF_DECREASE, RATE_OF_INCREASE -> 2;
        };
    }

    private static SocpOperation respond(int requestOpCode, SocpOperation.ResponseValue value) {
        return new SocpOperation.ResponseCode(requestOpCode, value);
    }

    private void startSession(Instant now) {
        running = true;
        sessionStartReal = now;
        sessionStartTime = UNKNOWN_START;
        store.clear();
        transfer = null;
        measurementIndex = 0;
        nextOffset = (int) Math.ceil(config.warmUp().toSeconds() / 60.0);
        previousValue = null;
        warningBits &= ~(1 << Warning.SESSION_STOPPED.bit());
        calTempBits = 0;
        calibrated = false;
    }

    private List<GattMessage> writeRacp(byte[] value) {
        if (!subscribed.contains(RACP) || !subscribed.contains(MEASUREMENT)) {
            throw new AttError(AttError.CCCD_IMPROPERLY_CONFIGURED,
                    "enable RACP indications and CGM Measurement notifications first");
        }
        if (value.length == 0) {
            throw new AttError(AttError.INVALID_ATTRIBUTE_VALUE_LENGTH, "empty RACP value");
        }
        Decoded<RecordAccessControlPoint> decoded = CgmsCodec.decodeRecordAccessControlPoint(value);
        int op = value[0] & 0xFF;
        if (transfer != null && !(decoded.toOptional().orElse(null) instanceof RecordAccessControlPoint.AbortOperation)) {
            throw new AttError(AttError.PROCEDURE_ALREADY_IN_PROGRESS, "a RACP procedure is running");
        }
        if (decoded instanceof Decoded.Invalid<RecordAccessControlPoint> invalid) {
            return List.of(racpResponse(op, racpError(value, invalid.error())));
        }
        return switch (decoded.orElseThrow()) {
            case RecordAccessControlPoint.ReportStoredRecords r -> {
                List<CgmMeasurement> matches = select(r.filter());
                if (matches.isEmpty()) {
                    yield List.of(racpResponse(op, RecordAccessControlPoint.ResponseValue.NO_RECORDS_FOUND));
                }
                transfer = new ArrayDeque<>(matches);
                yield pump();
            }
            case RecordAccessControlPoint.DeleteStoredRecords d -> {
                List<CgmMeasurement> matches = select(d.filter());
                matches.forEach(m -> store.remove(m.timeOffsetMinutes()));
                yield List.of(racpResponse(op, matches.isEmpty()
                        ? RecordAccessControlPoint.ResponseValue.NO_RECORDS_FOUND
                        : RecordAccessControlPoint.ResponseValue.SUCCESS));
            }
            case RecordAccessControlPoint.ReportNumberOfStoredRecords n -> List.of(new GattMessage.Indication(RACP,
                    CgmsCodec.encodeRecordAccessControlPoint(
                            new RecordAccessControlPoint.NumberOfStoredRecordsResponse(
                                    Math.min(0xFFFF, select(n.filter()).size())))));
            case RecordAccessControlPoint.AbortOperation a -> {
                transfer = null;
                yield List.of(racpResponse(op, RecordAccessControlPoint.ResponseValue.SUCCESS));
            }
            default -> List.of(racpResponse(op, RecordAccessControlPoint.ResponseValue.OP_CODE_NOT_SUPPORTED));
        };
    }

    private static RecordAccessControlPoint.ResponseValue racpError(byte[] value, DecodeError error) {
        if (RecordAccessControlPoint.OpCode.fromCode(value[0] & 0xFF).isEmpty()) {
            return RecordAccessControlPoint.ResponseValue.OP_CODE_NOT_SUPPORTED;
        }
        if (value.length > 1 && RecordAccessControlPoint.Operator.fromCode(value[1] & 0xFF).isEmpty()) {
            return RecordAccessControlPoint.ResponseValue.INVALID_OPERATOR;
        }
        return error.kind() == DecodeError.Kind.UNSUPPORTED
                ? RecordAccessControlPoint.ResponseValue.OPERAND_NOT_SUPPORTED
                : RecordAccessControlPoint.ResponseValue.INVALID_OPERAND;
    }

    private static GattMessage racpResponse(int requestOpCode, RecordAccessControlPoint.ResponseValue value) {
        return new GattMessage.Indication(RACP, CgmsCodec.encodeRecordAccessControlPoint(
                new RecordAccessControlPoint.ResponseCode(requestOpCode, value)));
    }

    private List<CgmMeasurement> select(Filter filter) {
        if (store.isEmpty()) {
            return List.of();
        }
        return switch (filter) {
            case RecordAccessControlPoint.AllRecords a -> List.copyOf(store.values());
            case RecordAccessControlPoint.FirstRecord f -> List.of(store.firstEntry().getValue());
            case RecordAccessControlPoint.LastRecord l -> List.of(store.lastEntry().getValue());
            case RecordAccessControlPoint.TimeOffsetAtMost m -> List.copyOf(store.headMap(m.maximum(), true).values());
            case RecordAccessControlPoint.TimeOffsetAtLeast m -> List.copyOf(store.tailMap(m.minimum(), true).values());
            case RecordAccessControlPoint.TimeOffsetRange r ->
                    List.copyOf(store.subMap(r.minimum(), true, r.maximum(), true).values());
        };
    }

    /** True while a RACP report still has records to send. */
    public boolean transferInProgress() {
        return transfer != null;
    }

    /**
     * Continues a RACP report: the next {@value #RECORDS_PER_PUMP} records as CGM Measurement notifications, and
     * the final RACP success indication after the last one. Empty when no report is running.
     */
    public List<GattMessage> pump() {
        if (transfer == null || !connected) {
            return List.of();
        }
        List<GattMessage> out = new ArrayList<>();
        for (int i = 0; i < RECORDS_PER_PUMP && !transfer.isEmpty(); i++) {
            out.add(new GattMessage.Notification(MEASUREMENT,
                    CgmsCodec.encodeMeasurement(CgmMeasurementNotification.of(transfer.poll()))));
        }
        if (transfer.isEmpty()) {
            transfer = null;
            out.add(racpResponse(RecordAccessControlPoint.OpCode.REPORT_STORED_RECORDS.code(),
                    RecordAccessControlPoint.ResponseValue.SUCCESS));
        }
        return out;
    }

    // ---------------------------------------------------------------- faults and conditions

    /** Flips a bit in the glucose field of the next {@code n} live notifications (the stored record stays intact). */
    public void injectCorruption(int n) {
        corruptRemaining = n;
    }

    /** Sends each of the next {@code n} live notifications {@code copies} times. */
    public void injectDuplicates(int n, int copies) {
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be at least 1");
        }
        duplicateRemaining = n;
        duplicateCopies = copies;
    }

    /** Drops the link after every {@code n} live notifications (0 = never). */
    public void dropConnectionEvery(int n) {
        dropEvery = n;
    }

    /** The sensor's clock runs {@code ppm} parts per million fast (positive) or slow (negative). */
    public void setClockDriftPpm(long ppm) {
        if (ppm <= -1_000_000) {
            throw new IllegalArgumentException("drift must be above -1000000 ppm");
        }
        driftPpm = ppm;
    }

    /** The next {@code n} measurements report {@code value} instead of the source's (e.g. 9999 or NaN). */
    public void overrideNextValues(SFloat value, int n) {
        overrideValue = Objects.requireNonNull(value, "value");
        overrideRemaining = n;
    }

    /**
     * A sensor with its own accurate clock: a written Session Start Time only sets the time zone and DST, the
     * start itself is the sensor clock's. The simulator uses this when its clock is deliberately set in the past
     * ({@code --backdate}), so the records of a replayed past keep their past times.
     */
    public void useOwnClockForSessionStartTime(boolean value) {
        ownClock = value;
    }

    /** Sets or clears the "device battery low" annunciation. */
    public void setBatteryLow(boolean low) {
        int b = 1 << Warning.DEVICE_BATTERY_LOW.bit();
        warningBits = low ? warningBits | b : warningBits & ~b;
    }

    /** Sets "calibration required" until the next SOCP calibration value. */
    public void requireCalibration() {
        calibrated = false;
        calTempBits |= 1 << CalTemp.CALIBRATION_REQUIRED.bit();
    }

    // ---------------------------------------------------------------- inspection (tests, simulator UI)

    public boolean sessionRunning() {
        return running;
    }

    /** Measurements produced in this sensor's life (all sessions). */
    public int measurementsProduced() {
        return produced;
    }

    /** Records in the store now. */
    public int storedRecordCount() {
        return store.size();
    }

    /** The stored records, oldest first. */
    public List<CgmMeasurement> storedRecords() {
        return List.copyOf(store.values());
    }

    public SessionStartTime sessionStartTime() {
        return sessionStartTime;
    }

    public CgmFeature feature() {
        return feature;
    }

    public SensorConfig config() {
        return config;
    }
}
