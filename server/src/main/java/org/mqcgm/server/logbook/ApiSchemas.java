package org.mqcgm.server.logbook;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON answers of the logbook API, one record per component schema of {@code openapi.json}; requests have records
 * for their field names but are read as trees (each wrong field reported with its own rule).
 */
final class ApiSchemas {

    static final Map<String, Class<?>> ALL = Map.of(
            "Checkin", CheckinView.class,
            "NewCheckin", NewCheckin.class,
            "CheckinPatch", CheckinPatch.class);

    private ApiSchemas() {
    }

    /**
     * A check-in: the fields of its kind only (a meal's carbs, an insulin's units and type, …).
     *
     * @param time the time at the wearer's offset then
     * @param mgdl a finger-stick's value in mg/dL, whatever unit it was entered in
     */
    record CheckinView(String id, String time, String kind,
                       @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal carbs,
                       @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal units,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String insulinType,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer minutes,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String intensity,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String medication,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String dose,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer mgdl,
                       @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal value,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String unit,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String note,
                       List<String> photos, String created, String updated) {

        static CheckinView of(Checkin c, boolean withPhotos) {
            Checkin.Values v = c.values();
            return new CheckinView(c.id().toString(), c.time().toString(), c.kind().id(), v.carbs(), v.units(),
                    v.insulinType(), v.minutes(), v.intensity(), v.medication(), v.dose(), v.mgdl(), v.value(),
                    v.unit(), v.note(), withPhotos ? v.photos().stream().map(UUID::toString).toList() : List.of(),
                    c.created().toString(), c.updated().toString());
        }
    }

    // Requests: their field names (read as trees).

    /** {@code POST /api/v1/checkins}: {@code time} and {@code kind}, then the fields of the kind. */
    record NewCheckin(String time, String kind, BigDecimal carbs, BigDecimal units, String insulinType,
                      Integer minutes, String intensity, String medication, String dose, BigDecimal value,
                      String unit, String note, List<String> photos) {
    }

    /** {@code PATCH /api/v1/checkins/{id}}: a JSON merge patch of the same fields (the kind cannot change). */
    record CheckinPatch(String time, String kind, BigDecimal carbs, BigDecimal units, String insulinType,
                        Integer minutes, String intensity, String medication, String dose, BigDecimal value,
                        String unit, String note, List<String> photos) {
    }
}
