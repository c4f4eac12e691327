package org.mqcgm.server.glucose;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The JSON answers of the glucose API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step). Absent values are written as {@code null}, except in
 * {@link ReadingView}, which leaves out what a reading does not have. Requests are read as trees: each wrong field
 * is reported with its own rule (type, length, range, not-future …), and readings uploads report per item.
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.of(
            "Created", Created.class,
            "Sensor", Sensor.class,
            "SensorSession", SensorSession.class,
            "Calibration", Calibration.class,
            "Annotation", Annotation.class,
            "ReadingView", ReadingView.class,
            "ReadingBucket", ReadingBucket.class,
            "UploadResult", UploadResult.class);

    private ApiSchemas() {
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
}
