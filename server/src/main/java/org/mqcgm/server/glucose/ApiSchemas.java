package org.mqcgm.server.glucose;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The JSON answers of the glucose API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step). Absent values are written as {@code null}, except in
 * {@link ReadingView}, which leaves out what a reading does not have. Requests have records for their field names but
 * are read as trees: each wrong field is reported with its own rule (type, length, range, not-future …), and
 * readings uploads report per item.
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.ofEntries(
            Map.entry("Created", Created.class),
            Map.entry("Sensor", Sensor.class),
            Map.entry("SensorSession", SensorSession.class),
            Map.entry("Calibration", Calibration.class),
            Map.entry("Annotation", Annotation.class),
            Map.entry("ReadingView", ReadingView.class),
            Map.entry("ReadingBucket", ReadingBucket.class),
            Map.entry("UploadResult", UploadResult.class),
            Map.entry("Reading", ReadingUpload.class),
            Map.entry("NewSensor", NewSensor.class),
            Map.entry("NewSensorSession", NewSensorSession.class),
            Map.entry("SensorSessionEnd", SensorSessionEnd.class),
            Map.entry("NewCalibration", NewCalibration.class),
            Map.entry("NewAnnotation", NewAnnotation.class),
            Map.entry("AnnotationExclusion", AnnotationExclusion.class),
            Map.entry("ReadingDeletionRequest", ReadingDeletionRequest.class),
            Map.entry("ReadingDeletion", ReadingDeletion.class));

    private ApiSchemas() {
    }

    /** A request to delete the readings of {@code [from, to)}, confirmed with the password (and code). */
    record ReadingDeletionRequest(String from, String to, String password, String code) {
    }

    /**
     * What a deletion of a range removed: readings, and annotations that lay wholly inside the range (annotations
     * reaching outside it are kept).
     */
    record ReadingDeletion(String from, String to, int readings, int annotations) {
    }

    /** The id of something just created. */
    record Created(String id) {
    }

    record Sensor(String id, String model, String serial, String transmitterId, String createdAt) {
    }

    record SensorSession(String id, String sensorId, String start, String warmUpEnd, String expectedEnd, String end,
                         String endReason) {
    }

    record Calibration(String id, String time, int mgdl, String source) {
    }

    record Annotation(String id, String start, String end, String kind, String note, boolean exclude) {
        static Annotation of(Annotations.Annotation a) {
            return new Annotation(a.id().toString(), a.start().toString(), a.end().toString(), a.kind(), a.note(),
                    a.exclude());
        }
    }

    /**
     * A stored reading: {@code marker}, {@code trend}, {@code quality}, {@code status}, {@code device} only when the
     * reading has them; {@code excluded} only (as {@code true}) in a range whose annotation leaves it out of
     * statistics.
     */
    record ReadingView(String time, int mgdl, @JsonInclude(JsonInclude.Include.NON_NULL) String marker,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Double trend,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer quality,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer status,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String device,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Boolean excluded) {
        ReadingView markedExcluded() {
            return new ReadingView(time, mgdl, marker, trend, quality, status, device, true);
        }
    }

    /** Mean, minimum and maximum of a time bucket ({@code resolution} other than raw). */
    record ReadingBucket(String time, long mgdl, int min, int max, int n) {
    }

    /** An upload in which every reading was accepted or a duplicate. */
    record UploadResult(int accepted, int duplicates, int rejected) {
    }

    // Requests: their field names (read as trees, see the class comment).

    /** One item of {@code POST /api/v1/readings}. */
    record ReadingUpload(String time, Integer mgdl, Double mmol, String marker, Integer limit, Double trend,
                         Integer quality, Integer status, String device) {
    }

    record NewSensor(String model, String serial, String transmitterId) {
    }

    record NewSensorSession(String start, Integer warmUpMinutes, Integer lifetimeDays) {
    }

    record SensorSessionEnd(String end, String reason) {
    }

    record NewCalibration(String time, Integer mgdl, String device) {
    }

    record NewAnnotation(String start, String end, String kind, String note, Boolean exclude) {
    }

    record AnnotationExclusion(Boolean exclude) {
    }
}
