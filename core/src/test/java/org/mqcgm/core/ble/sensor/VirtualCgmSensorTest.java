package org.mqcgm.core.ble.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mqcgm.core.ble.CgmMeasurement;
import org.mqcgm.core.ble.CgmStatus;
import org.mqcgm.core.ble.CgmsCodec;
import org.mqcgm.core.ble.CodecContext;
import org.mqcgm.core.ble.DecodeError;
import org.mqcgm.core.ble.Decoded;
import org.mqcgm.core.ble.E2eCrc;
import org.mqcgm.core.ble.Hex;
import org.mqcgm.core.ble.RecordAccessControlPoint;
import org.mqcgm.core.ble.RecordAccessControlPoint.ResponseValue;
import org.mqcgm.core.ble.SFloat;
import org.mqcgm.core.ble.SensorStatusAnnunciation.CalTemp;
import org.mqcgm.core.ble.SensorStatusAnnunciation.Warning;
import org.mqcgm.core.ble.SessionStartTime;
import org.mqcgm.core.ble.SocpOperation;
import org.mqcgm.core.ble.SpecificOpsControlPoint;
import org.mqcgm.core.simulation.GlucoseTrace;

class VirtualCgmSensorTest {

    static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
    static final int MEAS = 0x2AA7;
    static final int RACP = 0x2A52;
    static final int SOCP = 0x2AAC;

    static SensorConfig config() {
        return SensorConfig.defaults("C0:11:22:33:44:55",
                GlucoseSource.trace(new GlucoseTrace(1, ZoneOffset.UTC)));
    }

    /** A bonded, subscribed central with a started session at T0. */
    static VirtualCgmSensor started(SensorConfig config) {
        VirtualCgmSensor s = new VirtualCgmSensor(config);
        s.connect();
        s.bond();
        s.setSubscribed(MEAS, true);
        s.setSubscribed(RACP, true);
        s.setSubscribed(SOCP, true);
        List<GattMessage> r = s.write(SOCP, socp(new SocpOperation.StartSession(), config.e2eCrc()), T0);
        assertThat(socpResponse(r, config.e2eCrc())).isEqualTo(
                new SocpOperation.ResponseCode(0x1A, SocpOperation.ResponseValue.SUCCESS));
        return s;
    }

    static byte[] socp(SocpOperation op, boolean crc) {
        return CgmsCodec.encodeSpecificOpsControlPoint(SpecificOpsControlPoint.of(op, crc));
    }

    static SocpOperation socpResponse(List<GattMessage> messages, boolean crc) {
        assertThat(messages).hasSize(1);
        GattMessage.Indication ind = (GattMessage.Indication) messages.get(0);
        assertThat(ind.uuid16()).isEqualTo(SOCP);
        return CgmsCodec.decodeSpecificOpsControlPoint(ind.value(),
                crc ? CodecContext.E2E_CRC_SUPPORTED : CodecContext.E2E_CRC_NOT_SUPPORTED).orElseThrow().operation();
    }

    static List<CgmMeasurement> records(List<GattMessage> messages, CodecContext ctx) {
        List<CgmMeasurement> out = new ArrayList<>();
        for (GattMessage m : messages) {
            if (m instanceof GattMessage.Notification n && n.uuid16() == MEAS) {
                out.addAll(CgmsCodec.decodeMeasurement(n.value(), ctx).orElseThrow().records());
            }
        }
        return out;
    }

    static RecordAccessControlPoint lastRacp(List<GattMessage> messages) {
        GattMessage last = messages.get(messages.size() - 1);
        assertThat(last).isInstanceOf(GattMessage.Indication.class);
        return CgmsCodec.decodeRecordAccessControlPoint(((GattMessage.Indication) last).value()).orElseThrow();
    }

    static List<GattMessage> racp(VirtualCgmSensor s, RecordAccessControlPoint request) {
        List<GattMessage> out = new ArrayList<>(s.write(RACP, CgmsCodec.encodeRecordAccessControlPoint(request), T0));
        while (s.transferInProgress()) {
            out.addAll(s.pump());
        }
        return out;
    }

    @Test
    void noMeasurementsBeforeStartSessionThenOneEveryFiveMinutesWithCrc() {
        VirtualCgmSensor s = new VirtualCgmSensor(config());
        s.connect();
        s.bond();
        s.setSubscribed(MEAS, true);
        assertThat(s.tick(T0.plusSeconds(3600))).isEmpty();
        CgmStatus status = CgmsCodec.decodeStatus(s.read(0x2AA9, T0), CodecContext.E2E_CRC_SUPPORTED).orElseThrow();
        assertThat(status.annunciation().warnings()).contains(Warning.SESSION_STOPPED);

        VirtualCgmSensor started = started(config());
        List<GattMessage> first = started.tick(T0.plusSeconds(299));
        assertThat(records(first, CodecContext.E2E_CRC_SUPPORTED)).extracting(CgmMeasurement::timeOffsetMinutes)
                .containsExactly(0);
        List<GattMessage> hour = started.tick(T0.plus(Duration.ofHours(1)));
        List<CgmMeasurement> rs = records(hour, CodecContext.E2E_CRC_SUPPORTED);
        assertThat(rs).extracting(CgmMeasurement::timeOffsetMinutes)
                .containsExactly(5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60);
        assertThat(rs).allMatch(CgmMeasurement::crcPresent);
        assertThat(started.storedRecordCount()).isEqualTo(13);
        GlucoseTrace trace = new GlucoseTrace(1, ZoneOffset.UTC);
        assertThat(rs.get(0).glucoseConcentration())
                .isEqualTo(SFloat.of(trace.mgdlAt(T0.plus(Duration.ofMinutes(5))), 0));
        // trend = difference to the previous value per minute
        assertThat(rs.get(1).trend()).isPresent();
    }

    @Test
    void oneMinuteIntervalWarmUpAndRunTimeEndTheSession() {
        VirtualCgmSensor s = started(config().withInterval(1).withWarmUp(Duration.ofMinutes(30)).withRunTimeHours(1));
        assertThat(s.tick(T0.plus(Duration.ofMinutes(29)))).isEmpty();
        List<CgmMeasurement> rs = records(s.tick(T0.plus(Duration.ofHours(2))), CodecContext.E2E_CRC_SUPPORTED);
        assertThat(rs).hasSize(30);
        assertThat(rs.get(0).timeOffsetMinutes()).isEqualTo(30);
        assertThat(rs.get(29).timeOffsetMinutes()).isEqualTo(59);
        assertThat(s.sessionRunning()).isFalse();
        assertThat(s.status(T0).annunciation().warnings()).contains(Warning.SESSION_STOPPED);
    }

    @Test
    void withoutE2eCrcNothingCarriesACrcAndTheFeatureSaysSo() {
        VirtualCgmSensor s = started(config().withE2eCrc(false));
        assertThat(CgmsCodec.decodeFeature(s.read(0x2AA8, T0)).orElseThrow().e2eCrcSupported()).isFalse();
        List<CgmMeasurement> rs = records(s.tick(T0.plusSeconds(600)), CodecContext.E2E_CRC_NOT_SUPPORTED);
        assertThat(rs).hasSize(3).noneMatch(CgmMeasurement::crcPresent);
        assertThat(s.read(0x2AAB, T0)).hasSize(2);
    }

    @Test
    void controlPointWritesNeedTheCrcWhenTheFeatureSaysSo() {
        VirtualCgmSensor s = started(config());
        byte[] withoutCrc = socp(new SocpOperation.GetCommunicationInterval(), false);
        assertThatThrownBy(() -> s.write(SOCP, withoutCrc, T0)).isInstanceOfSatisfying(AttError.class,
                e -> assertThat(e.code()).isEqualTo(AttError.MISSING_CRC));
        byte[] badCrc = socp(new SocpOperation.GetCommunicationInterval(), true);
        badCrc[badCrc.length - 1] ^= 0x55;
        assertThatThrownBy(() -> s.write(SOCP, badCrc, T0)).isInstanceOfSatisfying(AttError.class,
                e -> assertThat(e.code()).isEqualTo(AttError.INVALID_CRC));
        assertThat(socpResponse(s.write(SOCP, socp(new SocpOperation.GetCommunicationInterval(), true), T0), true))
                .isEqualTo(new SocpOperation.CommunicationIntervalResponse(5));
        // Start Session with CRC is 1A 5C B0 (ble-cgms.md §3)
        assertThat(Hex.format(socp(new SocpOperation.StartSession(), true))).isEqualTo("1a5cb0");
        assertThat(socpResponse(s.write(SOCP, Hex.parse("1a5cb0"), T0), true)).isEqualTo(
                new SocpOperation.ResponseCode(0x1A, SocpOperation.ResponseValue.PROCEDURE_NOT_COMPLETED));
    }

    @Test
    void everyAttributeNeedsABondAndControlPointsNeedTheirCccd() {
        VirtualCgmSensor s = new VirtualCgmSensor(config());
        s.connect();
        assertThatThrownBy(() -> s.read(0x2AA8, T0)).isInstanceOfSatisfying(AttError.class,
                e -> assertThat(e.code()).isEqualTo(AttError.INSUFFICIENT_AUTHENTICATION));
        s.bond();
        assertThatThrownBy(() -> s.write(SOCP, Hex.parse("1a5cb0"), T0)).isInstanceOfSatisfying(AttError.class,
                e -> assertThat(e.code()).isEqualTo(AttError.CCCD_IMPROPERLY_CONFIGURED));
        assertThatThrownBy(() -> s.write(0x2AA8, new byte[6], T0)).isInstanceOfSatisfying(AttError.class,
                e -> assertThat(e.code()).isEqualTo(AttError.WRITE_NOT_PERMITTED));
    }

    @Test
    void sessionStartTimeIsStoredShiftedBackSoStartPlusOffsetIsTheRecordTime() {
        VirtualCgmSensor s = started(config());
        s.tick(T0.plus(Duration.ofMinutes(42)));
        // The collector writes its local time (UTC+8, no DST) 42 minutes and 30 seconds into the session.
        Instant writeAt = T0.plusSeconds(42 * 60 + 30);
        SessionStartTime now = SessionStartTime.of(LocalDateTime.ofInstant(writeAt, ZoneOffset.ofHours(8)), 32,
                SessionStartTime.DstOffset.STANDARD_TIME).withCrc(true);
        assertThat(s.write(0x2AAA, CgmsCodec.encodeSessionStartTime(now), writeAt)).isEmpty();
        SessionStartTime read = CgmsCodec.decodeSessionStartTime(s.read(0x2AAA, writeAt),
                CodecContext.E2E_CRC_SUPPORTED).orElseThrow();
        assertThat(read.sessionStart()).contains(T0);
        assertThat(read.timeOf(40)).contains(T0.plus(Duration.ofMinutes(40)));
        // a Session Start Time with a bad CRC is refused at the ATT level
        byte[] bad = CgmsCodec.encodeSessionStartTime(now);
        bad[0] ^= 1;
        assertThatThrownBy(() -> s.write(0x2AAA, bad, writeAt)).isInstanceOfSatisfying(AttError.class,
                e -> assertThat(e.code()).isEqualTo(AttError.INVALID_CRC));
    }

    @Test
    void racpReportsCountsAndDeletesByTimeOffset() {
        VirtualCgmSensor s = started(config());
        s.tick(T0.plus(Duration.ofMinutes(100))); // offsets 0, 5, …, 100: 21 records
        CodecContext ctx = CodecContext.E2E_CRC_SUPPORTED;
        List<GattMessage> all = racp(s, new RecordAccessControlPoint.ReportStoredRecords(
                new RecordAccessControlPoint.AllRecords()));
        assertThat(records(all, ctx)).hasSize(21);
        assertThat(lastRacp(all)).isEqualTo(new RecordAccessControlPoint.ResponseCode(1, ResponseValue.SUCCESS));
        assertThat(records(racp(s, new RecordAccessControlPoint.ReportStoredRecords(
                new RecordAccessControlPoint.TimeOffsetAtLeast(91))), ctx))
                .extracting(CgmMeasurement::timeOffsetMinutes).containsExactly(95, 100);
        assertThat(records(racp(s, new RecordAccessControlPoint.ReportStoredRecords(
                new RecordAccessControlPoint.TimeOffsetAtMost(10))), ctx))
                .extracting(CgmMeasurement::timeOffsetMinutes).containsExactly(0, 5, 10);
        assertThat(records(racp(s, new RecordAccessControlPoint.ReportStoredRecords(
                new RecordAccessControlPoint.TimeOffsetRange(20, 30))), ctx))
                .extracting(CgmMeasurement::timeOffsetMinutes).containsExactly(20, 25, 30);
        assertThat(records(racp(s, new RecordAccessControlPoint.ReportStoredRecords(
                new RecordAccessControlPoint.FirstRecord())), ctx))
                .extracting(CgmMeasurement::timeOffsetMinutes).containsExactly(0);
        assertThat(records(racp(s, new RecordAccessControlPoint.ReportStoredRecords(
                new RecordAccessControlPoint.LastRecord())), ctx))
                .extracting(CgmMeasurement::timeOffsetMinutes).containsExactly(100);
        assertThat(lastRacp(racp(s, new RecordAccessControlPoint.ReportNumberOfStoredRecords(
                new RecordAccessControlPoint.TimeOffsetAtLeast(50)))))
                .isEqualTo(new RecordAccessControlPoint.NumberOfStoredRecordsResponse(11));
        List<GattMessage> none = racp(s, new RecordAccessControlPoint.ReportStoredRecords(
                new RecordAccessControlPoint.TimeOffsetAtLeast(101)));
        assertThat(none).hasSize(1);
        assertThat(lastRacp(none)).isEqualTo(new RecordAccessControlPoint.ResponseCode(1, ResponseValue.NO_RECORDS_FOUND));
        assertThat(lastRacp(racp(s, new RecordAccessControlPoint.DeleteStoredRecords(
                new RecordAccessControlPoint.TimeOffsetAtMost(49)))))
                .isEqualTo(new RecordAccessControlPoint.ResponseCode(2, ResponseValue.SUCCESS));
        assertThat(s.storedRecordCount()).isEqualTo(11);
        // unsupported filter type 0x02 and reserved operators are answered, not ignored
        assertThat(lastRacp(s.write(RACP, Hex.parse("01 03 02 00 00"), T0)))
                .isEqualTo(new RecordAccessControlPoint.ResponseCode(1, ResponseValue.OPERAND_NOT_SUPPORTED));
        assertThat(lastRacp(s.write(RACP, Hex.parse("01 09"), T0)))
                .isEqualTo(new RecordAccessControlPoint.ResponseCode(1, ResponseValue.INVALID_OPERATOR));
    }

    @Test
    void aLongReportComesInBatchesCanBeAbortedAndBlocksOtherProcedures() {
        VirtualCgmSensor s = started(config().withInterval(1));
        s.tick(T0.plus(Duration.ofMinutes(99))); // 100 records
        List<GattMessage> first = s.write(RACP, CgmsCodec.encodeRecordAccessControlPoint(
                new RecordAccessControlPoint.ReportStoredRecords(new RecordAccessControlPoint.AllRecords())), T0);
        assertThat(first).hasSize(VirtualCgmSensor.RECORDS_PER_PUMP);
        assertThat(s.transferInProgress()).isTrue();
        assertThatThrownBy(() -> s.write(RACP, Hex.parse("04 01"), T0)).isInstanceOfSatisfying(AttError.class,
                e -> assertThat(e.code()).isEqualTo(AttError.PROCEDURE_ALREADY_IN_PROGRESS));
        List<GattMessage> abort = s.write(RACP, Hex.parse("03 00"), T0);
        assertThat(lastRacp(abort)).isEqualTo(new RecordAccessControlPoint.ResponseCode(3, ResponseValue.SUCCESS));
        assertThat(s.transferInProgress()).isFalse();
        assertThat(s.pump()).isEmpty();
    }

    @Test
    void annunciationsCalibrationRequiredBatteryLowAndSessionStopped() {
        VirtualCgmSensor s = started(config().withCalibrationRequiredAfter(Duration.ofMinutes(10))
                .withBatteryLowAfter(Duration.ofMinutes(20)));
        List<CgmMeasurement> rs = records(s.tick(T0.plus(Duration.ofMinutes(20))), CodecContext.E2E_CRC_SUPPORTED);
        assertThat(rs.get(1).annunciation().calTempConditions()).isEmpty();
        assertThat(rs.get(2).annunciation().calTempConditions()).containsExactly(CalTemp.CALIBRATION_REQUIRED);
        assertThat(rs.get(4).annunciation().warnings()).containsExactly(Warning.DEVICE_BATTERY_LOW);
        CgmStatus status = CgmsCodec.decodeStatus(s.read(0x2AA9, T0.plus(Duration.ofMinutes(21))),
                CodecContext.E2E_CRC_SUPPORTED).orElseThrow();
        assertThat(status.timeOffsetMinutes()).isEqualTo(21);
        assertThat(status.annunciation().calTempConditions()).contains(CalTemp.CALIBRATION_REQUIRED);

        var calibration = new org.mqcgm.core.ble.CalibrationValue(SFloat.of(110, 0), 20, 1, 1, 720, 0, 0);
        assertThat(socpResponse(s.write(SOCP, socp(new SocpOperation.SetGlucoseCalibrationValue(calibration), true),
                T0), true)).isEqualTo(new SocpOperation.ResponseCode(4, SocpOperation.ResponseValue.SUCCESS));
        List<CgmMeasurement> after = records(s.tick(T0.plus(Duration.ofMinutes(25))), CodecContext.E2E_CRC_SUPPORTED);
        assertThat(after.get(0).annunciation().calTempConditions()).isEmpty();

        assertThat(socpResponse(s.write(SOCP, socp(new SocpOperation.StopSession(), true), T0), true))
                .isEqualTo(new SocpOperation.ResponseCode(0x1B, SocpOperation.ResponseValue.SUCCESS));
        assertThat(s.tick(T0.plus(Duration.ofHours(5)))).isEmpty();
        assertThat(s.status(T0).annunciation().warnings()).contains(Warning.SESSION_STOPPED);
    }

    @Test
    void corruptedNotificationsFailTheCrcButTheStoredRecordIsIntact() {
        VirtualCgmSensor s = started(config());
        s.injectCorruption(1);
        List<GattMessage> live = s.tick(T0);
        byte[] bytes = ((GattMessage.Notification) live.get(0)).value();
        Decoded<?> decoded = CgmsCodec.decodeMeasurement(bytes, CodecContext.E2E_CRC_SUPPORTED);
        assertThat(decoded.errorIfAny()).map(DecodeError::kind).contains(DecodeError.Kind.BAD_CRC);
        List<GattMessage> backfill = racp(s, new RecordAccessControlPoint.ReportStoredRecords(
                new RecordAccessControlPoint.AllRecords()));
        assertThat(records(backfill, CodecContext.E2E_CRC_SUPPORTED)).hasSize(1);
        assertThat(E2eCrc.compute("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isEqualTo(E2eCrc.CHECK_VALUE);
    }

    @Test
    void faultsReplayDropDriftAndValue() {
        VirtualCgmSensor s = started(config());
        s.injectDuplicates(1, 100);
        List<GattMessage> replay = s.tick(T0);
        assertThat(replay).hasSize(100).allMatch(m -> m.equals(replay.get(0)));
        assertThat(s.storedRecordCount()).isEqualTo(1);

        s.dropConnectionEvery(2);
        List<GattMessage> dropped = s.tick(T0.plus(Duration.ofMinutes(30)));
        // the replayed notification counted as the first of two: the next one is followed by the link loss
        assertThat(dropped).hasSize(2);
        assertThat(dropped.get(1)).isInstanceOf(GattMessage.LinkLost.class);
        assertThat(s.connected()).isFalse();
        assertThat(s.storedRecordCount()).isEqualTo(7); // still recorded while disconnected

        VirtualCgmSensor fast = started(config().withInterval(1));
        fast.setClockDriftPpm(100_000); // 10 % fast
        fast.tick(T0.plus(Duration.ofMinutes(100)));
        assertThat(fast.storedRecords().get(fast.storedRecordCount() - 1).timeOffsetMinutes()).isEqualTo(110);

        VirtualCgmSensor odd = started(config());
        odd.overrideNextValues(GlucoseSource.parseValue("9999"), 1);
        CgmMeasurement r = records(odd.tick(T0), CodecContext.E2E_CRC_SUPPORTED).get(0);
        assertThat(r.glucoseConcentration().decimal()).contains(new BigDecimal("10000"));
        odd.overrideNextValues(SFloat.Special.POSITIVE_INFINITY, 1);
        CgmMeasurement high = records(odd.tick(T0.plusSeconds(300)), CodecContext.E2E_CRC_SUPPORTED).get(0);
        assertThat(high.glucoseConcentration()).isEqualTo(SFloat.Special.POSITIVE_INFINITY);
        assertThat(high.annunciation().statusConditions()).containsExactly(
                org.mqcgm.core.ble.SensorStatusAnnunciation.Status.RESULT_HIGHER_THAN_DEVICE_CAN_PROCESS);
    }

    @Test
    void replayCsvEndsTheSessionWhenItRunsOut() {
        List<SFloat> values = GlucoseSource.parseReplayCsv("time,mgdl\n# comment\nx,101.5\ny,NaN\n\nz,120\n");
        assertThat(values).containsExactly(SFloat.of(new BigDecimal("101.5")), SFloat.Special.NAN, SFloat.of(120, 0));
        assertThatThrownBy(() -> GlucoseSource.parseReplayCsv("120\nabc\n"))
                .hasMessage("line 2: 'abc' is not a glucose value");
        VirtualCgmSensor s = started(config().withSource(GlucoseSource.replay(values)));
        assertThat(records(s.tick(T0.plus(Duration.ofHours(1))), CodecContext.E2E_CRC_SUPPORTED)).hasSize(3);
        assertThat(s.sessionRunning()).isFalse();
    }

    @Test
    void theNeighbourhoodHasNoOtherCgm() {
        List<Advertisement> foreign = Neighbourhood.foreignDevices(20, 7);
        assertThat(foreign).hasSize(20).noneMatch(a -> a.advertises(0x181F));
        assertThat(foreign).extracting(Advertisement::address).doesNotHaveDuplicates()
                .allMatch(a -> a.matches("([0-9A-F]{2}:){5}[0-9A-F]{2}"));
        assertThat(config().advertisement().advertises(0x181F)).isTrue();
    }
}
