package org.mqcgm.core.ble;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

/** Seeded random CGMS values covering every flag combination, op code and special SFLOAT. */
final class Arbitrary {

    private final Random random;

    Arbitrary(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    SFloat sfloat() {
        if (random.nextInt(8) == 0) {
            SFloat.Special[] specials = SFloat.Special.values();
            return specials[random.nextInt(specials.length)];
        }
        int raw;
        do {
            raw = random.nextInt(0x10000);
        } while (raw == SFloat.RESERVED);
        return SFloat.fromRaw(raw).orElseThrow();
    }

    private OptionalInt maybeOctet() {
        return random.nextBoolean() ? OptionalInt.of(random.nextInt(256)) : OptionalInt.empty();
    }

    CgmMeasurement record() {
        return record(random.nextBoolean());
    }

    CgmMeasurement record(boolean crc) {
        return new CgmMeasurement(
                sfloat(),
                random.nextInt(0x10000),
                new SensorStatusAnnunciation(maybeOctet(), maybeOctet(), maybeOctet()),
                random.nextBoolean() ? Optional.of(sfloat()) : Optional.empty(),
                random.nextBoolean() ? Optional.of(sfloat()) : Optional.empty(),
                crc);
    }

    CgmMeasurementNotification notification() {
        List<CgmMeasurement> records = new ArrayList<>();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            records.add(record());
        }
        return new CgmMeasurementNotification(records);
    }

    CgmFeature feature() {
        return new CgmFeature(random.nextInt(0x1000000), random.nextInt(16), random.nextInt(16));
    }

    CgmStatus status() {
        return new CgmStatus(random.nextInt(0x10000),
                SensorStatusAnnunciation.of(random.nextInt(256), random.nextInt(256), random.nextInt(256)),
                random.nextBoolean());
    }

    SessionStartTime sessionStartTime() {
        int year = random.nextInt(10) == 0 ? 0 : 1582 + random.nextInt(9999 - 1582 + 1);
        int month = random.nextInt(13);
        int day = random.nextInt(29); // 0..28 exists in every month
        int tz = random.nextInt(10) == 0 ? SessionStartTime.TIME_ZONE_UNKNOWN : -48 + random.nextInt(105);
        SessionStartTime.DstOffset[] dst = SessionStartTime.DstOffset.values();
        return new SessionStartTime(year, month, day, random.nextInt(24), random.nextInt(60), random.nextInt(60),
                tz, dst[random.nextInt(dst.length)], random.nextBoolean());
    }

    SessionRunTime sessionRunTime() {
        return new SessionRunTime(random.nextInt(0x10000), random.nextBoolean());
    }

    RecordAccessControlPoint.Filter filter() {
        int a = random.nextInt(0x10000);
        int b = random.nextInt(0x10000);
        return switch (random.nextInt(6)) {
            case 0 -> new RecordAccessControlPoint.AllRecords();
            case 1 -> new RecordAccessControlPoint.FirstRecord();
            case 2 -> new RecordAccessControlPoint.LastRecord();
            case 3 -> new RecordAccessControlPoint.TimeOffsetAtMost(a);
            case 4 -> new RecordAccessControlPoint.TimeOffsetAtLeast(a);
            default -> new RecordAccessControlPoint.TimeOffsetRange(Math.min(a, b), Math.max(a, b));
        };
    }

    RecordAccessControlPoint racp() {
        RecordAccessControlPoint.ResponseValue[] responses = RecordAccessControlPoint.ResponseValue.values();
        return switch (random.nextInt(6)) {
            case 0 -> new RecordAccessControlPoint.ReportStoredRecords(filter());
            case 1 -> new RecordAccessControlPoint.DeleteStoredRecords(filter());
            case 2 -> new RecordAccessControlPoint.AbortOperation();
            case 3 -> new RecordAccessControlPoint.ReportNumberOfStoredRecords(filter());
            case 4 -> new RecordAccessControlPoint.NumberOfStoredRecordsResponse(random.nextInt(0x10000));
            default -> new RecordAccessControlPoint.ResponseCode(random.nextInt(256),
                    responses[random.nextInt(responses.length)]);
        };
    }

    CalibrationValue calibration() {
        return new CalibrationValue(sfloat(), random.nextInt(0x10000), random.nextInt(16), random.nextInt(16),
                random.nextInt(0x10000), random.nextInt(0x10000), random.nextInt(256));
    }

    SocpOperation socpOperation() {
        SocpOperation.OpCode[] ops = SocpOperation.OpCode.values();
        SocpOperation.OpCode op = ops[random.nextInt(ops.length)];
        SocpOperation.ResponseValue[] responses = SocpOperation.ResponseValue.values();
        return switch (op) {
            case SET_COMMUNICATION_INTERVAL -> new SocpOperation.SetCommunicationInterval(random.nextInt(256));
            case GET_COMMUNICATION_INTERVAL -> new SocpOperation.GetCommunicationInterval();
            case COMMUNICATION_INTERVAL_RESPONSE -> new SocpOperation.CommunicationIntervalResponse(random.nextInt(256));
            case SET_GLUCOSE_CALIBRATION_VALUE -> new SocpOperation.SetGlucoseCalibrationValue(calibration());
            case GET_GLUCOSE_CALIBRATION_VALUE -> new SocpOperation.GetGlucoseCalibrationValue(random.nextInt(0x10000));
            case GLUCOSE_CALIBRATION_VALUE_RESPONSE -> new SocpOperation.GlucoseCalibrationValueResponse(calibration());
            case RESET_DEVICE_SPECIFIC_ALERT -> new SocpOperation.ResetDeviceSpecificAlert();
            case START_SESSION -> new SocpOperation.StartSession();
            case STOP_SESSION -> new SocpOperation.StopSession();
            case RESPONSE_CODE -> new SocpOperation.ResponseCode(random.nextInt(256),
                    responses[random.nextInt(responses.length)]);
            default -> {
                SocpOperation.AlertLevel alert = SocpOperation.AlertLevel.of(op).orElseThrow();
                if (op == alert.setOpCode()) {
                    yield new SocpOperation.SetAlertLevel(alert, sfloat());
                } else if (op == alert.getOpCode()) {
                    yield new SocpOperation.GetAlertLevel(alert);
                } else {
                    yield new SocpOperation.AlertLevelResponse(alert, sfloat());
                }
            }
        };
    }

    SpecificOpsControlPoint socp() {
        return new SpecificOpsControlPoint(socpOperation(), random.nextBoolean());
    }

    /** A random valid value of {@code c}. */
    CgmsValue value(CgmsCharacteristic c) {
        return switch (c) {
            case CGM_MEASUREMENT -> notification();
            case CGM_FEATURE -> feature();
            case CGM_STATUS -> status();
            case SESSION_START_TIME -> sessionStartTime();
            case SESSION_RUN_TIME -> sessionRunTime();
            case RECORD_ACCESS_CONTROL_POINT -> racp();
            case SPECIFIC_OPS_CONTROL_POINT -> socp();
        };
    }

    byte[] bytes(int maxLength) {
        byte[] b = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(b);
        return b;
    }

    /** One random mutation: replace a byte, flip a bit, truncate, append, insert or delete. */
    byte[] mutate(byte[] in) {
        byte[] b = in.clone();
        switch (random.nextInt(6)) {
            case 0 -> {
                if (b.length > 0) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> {
                if (b.length > 0) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 2 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
            case 3 -> {
                b = java.util.Arrays.copyOf(b, b.length + 1 + random.nextInt(3));
                for (int i = in.length; i < b.length; i++) {
                    b[i] = (byte) random.nextInt(256);
                }
            }
            case 4 -> {
                int at = random.nextInt(b.length + 1);
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = (byte) random.nextInt(256);
                System.arraycopy(b, at, c, at + 1, b.length - at);
                b = c;
            }
            default -> {
                if (b.length > 0) {
                    int at = random.nextInt(b.length);
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
            }
        }
        return b;
    }

    CodecContext context() {
        CodecContext.E2eCrcSupport[] all = CodecContext.E2eCrcSupport.values();
        return new CodecContext(all[random.nextInt(all.length)]);
    }
}
