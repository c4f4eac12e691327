package org.mqcgm.core.ble;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON-shaped view of decoded CGMS values: nested {@code Map<String,Object>} / {@code List} with
 * String, Integer, BigDecimal, Boolean and null leaves, field names exactly as in the {@code decoded}
 * objects of {@code vectors.json}. This is what {@code mqcgm ble decode} prints.
 *
 * <p>Maps keep wire order. SFLOAT values become {@link java.math.BigDecimal} (scale = −exponent, so
 * 101.5 stays 101.5 and 0x0078 is 120) or the strings {@code "NaN"}, {@code "NRes"},
 * {@code "+INFINITY"}, {@code "-INFINITY"}. Bit fields become {@code "0x.."} strings.
 */
public final class CgmsJsonView {

    private CgmsJsonView() {
    }

    /** A list of records for CGM Measurement, a map for every other characteristic. */
    public static Object of(CgmsValue value) {
        return switch (value) {
            case CgmMeasurementNotification m -> measurement(m);
            case CgmFeature f -> feature(f);
            case CgmStatus s -> status(s);
            case SessionStartTime t -> sessionStartTime(t);
            case SessionRunTime r -> sessionRunTime(r);
            case RecordAccessControlPoint r -> recordAccessControlPoint(r);
            case SpecificOpsControlPoint s -> specificOpsControlPoint(s);
        };
    }

    /** {@code {"error": KIND, "reason": ..., "offset": n}}. */
    public static Map<String, Object> error(DecodeError error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error.kind().name());
        m.put("reason", error.reason());
        m.put("offset", error.offset());
        return Collections.unmodifiableMap(m);
    }

    /** {@link #of(CgmsValue)} for Ok, {@link #error(DecodeError)} for Invalid. */
    public static Object of(Decoded<? extends CgmsValue> decoded) {
        return switch (decoded) {
            case Decoded.Ok<? extends CgmsValue> ok -> of(ok.value());
            case Decoded.Invalid<? extends CgmsValue> invalid -> error(invalid.error());
        };
    }

    public static List<Map<String, Object>> measurement(CgmMeasurementNotification notification) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (CgmMeasurement r : notification.records()) {
            list.add(measurementRecord(r));
        }
        return Collections.unmodifiableList(list);
    }

    public static Map<String, Object> measurementRecord(CgmMeasurement r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("flags", Hex.number(r.flags(), 2));
        m.put("glucose_mg_dl", sfloat(r.glucoseConcentration()));
        m.put("time_offset_min", r.timeOffsetMinutes());
        putAnnunciation(m, r.annunciation());
        r.trend().ifPresent(t -> m.put("trend_mg_dl_per_min", sfloat(t)));
        r.quality().ifPresent(q -> m.put("quality_percent", sfloat(q)));
        m.put("crc_present", r.crcPresent());
        return Collections.unmodifiableMap(m);
    }

    private static void putAnnunciation(Map<String, Object> m, SensorStatusAnnunciation a) {
        a.warning().ifPresent(v -> m.put("annunciation_octet_0x20_warning", v));
        a.calTemp().ifPresent(v -> m.put("annunciation_octet_0x40_cal_temp", v));
        a.status().ifPresent(v -> m.put("annunciation_octet_0x80_status", v));
    }

    public static Map<String, Object> feature(CgmFeature f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("features", Hex.number(f.featureBits(), 6));
        m.put("e2e_crc_supported", f.e2eCrcSupported());
        m.put("type", f.typeCode());
        m.put("sample_location", f.sampleLocationCode());
        return Collections.unmodifiableMap(m);
    }

    public static Map<String, Object> status(CgmStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time_offset_min", s.timeOffsetMinutes());
        putAnnunciation(m, s.annunciation());
        m.put("crc_present", s.crcPresent());
        return Collections.unmodifiableMap(m);
    }

    public static Map<String, Object> sessionStartTime(SessionStartTime t) {
        Map<String, Object> m = new LinkedHashMap<>();
        // Raw fields, so unknown parts show as zeros (e.g. "0000-00-00T08:30:00").
        m.put("date_time", String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d",
                t.year(), t.month(), t.day(), t.hours(), t.minutes(), t.seconds()));
        m.put("time_zone_15min_units", t.timeZone());
        m.put("time_zone_minutes", t.timeZoneMinutes().isPresent() ? t.timeZoneMinutes().getAsInt() : null);
        m.put("dst_offset_code", t.dstOffset().code());
        m.put("dst_minutes", t.dstOffset().minutes().isPresent() ? t.dstOffset().minutes().getAsInt() : null);
        m.put("crc_present", t.crcPresent());
        return Collections.unmodifiableMap(m);
    }

    public static Map<String, Object> sessionRunTime(SessionRunTime r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_time_hours", r.hours());
        m.put("crc_present", r.crcPresent());
        return Collections.unmodifiableMap(m);
    }

    public static Map<String, Object> recordAccessControlPoint(RecordAccessControlPoint r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op_code", r.opCode().code());
        m.put("op", r.opCode().label());
        m.put("operator", r.operator().label());
        switch (r) {
            case RecordAccessControlPoint.ReportStoredRecords x -> putFilter(m, x.filter());
            case RecordAccessControlPoint.DeleteStoredRecords x -> putFilter(m, x.filter());
            case RecordAccessControlPoint.ReportNumberOfStoredRecords x -> putFilter(m, x.filter());
            case RecordAccessControlPoint.AbortOperation x -> {
            }
            case RecordAccessControlPoint.NumberOfStoredRecordsResponse x ->
                    m.put("number_of_records", x.numberOfRecords());
            case RecordAccessControlPoint.ResponseCode x -> {
                m.put("request_op_code", x.requestOpCode());
                m.put("response", x.response().label());
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private static void putFilter(Map<String, Object> m, RecordAccessControlPoint.Filter filter) {
        switch (filter) {
            case RecordAccessControlPoint.AllRecords f -> {
            }
            case RecordAccessControlPoint.FirstRecord f -> {
            }
            case RecordAccessControlPoint.LastRecord f -> {
            }
            case RecordAccessControlPoint.TimeOffsetAtMost f -> {
                m.put("filter_type", "time offset");
                m.put("operand", f.maximum());
            }
            case RecordAccessControlPoint.TimeOffsetAtLeast f -> {
                m.put("filter_type", "time offset");
                m.put("operand", f.minimum());
            }
            case RecordAccessControlPoint.TimeOffsetRange f -> {
                m.put("filter_type", "time offset");
                m.put("range", List.of(f.minimum(), f.maximum()));
            }
        }
    }

    public static Map<String, Object> specificOpsControlPoint(SpecificOpsControlPoint s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op_code", s.operation().opCode().code());
        m.put("crc_present", s.crcPresent());
        switch (s.operation()) {
            case SocpOperation.SetCommunicationInterval x -> m.put("set_communication_interval_min", x.minutes());
            case SocpOperation.CommunicationIntervalResponse x -> m.put("communication_interval_min", x.minutes());
            case SocpOperation.SetGlucoseCalibrationValue x -> putCalibration(m, x.value());
            case SocpOperation.GlucoseCalibrationValueResponse x -> putCalibration(m, x.value());
            case SocpOperation.GetGlucoseCalibrationValue x -> m.put("calibration_record_number", x.recordNumber());
            case SocpOperation.SetAlertLevel x -> m.put("level", sfloat(x.level()));
            case SocpOperation.AlertLevelResponse x -> m.put("level", sfloat(x.level()));
            case SocpOperation.ResponseCode x -> {
                m.put("request_op_code", x.requestOpCode());
                m.put("response", x.response().label());
            }
            case SocpOperation.GetCommunicationInterval x -> {
            }
            case SocpOperation.GetAlertLevel x -> {
            }
            case SocpOperation.ResetDeviceSpecificAlert x -> {
            }
            case SocpOperation.StartSession x -> {
            }
            case SocpOperation.StopSession x -> {
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private static void putCalibration(Map<String, Object> m, CalibrationValue c) {
        m.put("calibration_glucose_mg_dl", sfloat(c.glucoseConcentration()));
        m.put("calibration_time_min", c.calibrationTimeMinutes());
        m.put("calibration_type", c.typeCode());
        m.put("calibration_sample_location", c.sampleLocationCode());
        m.put("next_calibration_time_min", c.nextCalibrationTimeMinutes());
        m.put("calibration_record_number", c.recordNumber());
        m.put("calibration_status", c.status());
    }

    /** BigDecimal for finite values, label string for special values. */
    public static Object sfloat(SFloat v) {
        return switch (v) {
            case SFloat.Finite f -> f.value();
            case SFloat.Special s -> s.label();
        };
    }
}
