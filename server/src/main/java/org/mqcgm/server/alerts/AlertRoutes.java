package org.mqcgm.server.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.core.alerts.AlertKind;
import org.mqcgm.core.alerts.AlertSettings;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/**
 * {@code GET/PUT /api/v1/alerts/settings}: the wearer's alert rules (scope {@code alerts}, consent to the processing
 * of health data). PUT replaces them whole: a closed schema (unknown fields 400), types (422 {@code type}), then the
 * rules of {@link AlertSettings#problems()} (422 naming the field). The urgent low is always on.
 */
final class AlertRoutes {

    static final Set<String> FIELDS = RequestFields.of(ApiSchemas.AlertSettingsView.class);

    private final AlertSettingsStore store;
    private final JsonBodies json;
    private final Clock clock;

    AlertRoutes(AlertSettingsStore store, JsonBodies json, Clock clock) {
        this.store = store;
        this.json = json;
        this.clock = clock;
    }

    void register(Routes routes) {
        Access access = Access.api(Scope.ALERTS).requiring(Purpose.HEALTH_DATA);
        routes.get("/api/v1/alerts/settings", access, ctx -> ctx.json(view(store.all(Principal.of(ctx).accountId()))));
        routes.put("/api/v1/alerts/settings", access, this::put);
    }

    static Optional<AlertKind> kind(String id) {
        return Arrays.stream(AlertKind.values()).filter(k -> k.id().equals(id)).findFirst();
    }

    static ApiSchemas.AlertSettingsView view(AlertSettingsStore.Stored stored) {
        AlertSettings s = stored.rules();
        AlertSettingsStore.Delivery d = stored.delivery();
        return new ApiSchemas.AlertSettingsView(
                Arrays.stream(AlertKind.values()).filter(s::on).map(AlertKind::id).toList(),
                AlertSettings.URGENT_LOW_MGDL, s.lowMgdl(), s.highMgdl(), s.riseRate(), s.fallRate(),
                s.predictionMinutes(), s.signalLossMinutes(),
                s.quietFrom() == null ? null : s.quietFrom().toString(),
                s.quietTo() == null ? null : s.quietTo().toString(), d.valuesOnLockScreen(), d.emailAlerts(),
                d.repeatMinutes(), d.escalateMinutes());
    }

    private void put(Context ctx) {
        UUID me = Principal.of(ctx).accountId();
        JsonNode body = json.readObject(ctx, FIELDS);
        List<Problem.FieldError> errors = new ArrayList<>();
        AlertSettings d = AlertSettings.defaults();
        EnumSet<AlertKind> on = EnumSet.noneOf(AlertKind.class);
        JsonNode enabled = body.get("enabled");
        if (enabled == null || enabled.isNull()) {
            on.addAll(d.enabled());
        } else if (!enabled.isArray()) {
            errors.add(new Problem.FieldError("$.enabled", "type", "must be a list of alert kinds"));
        } else {
            for (int i = 0; i < enabled.size(); i++) {
                Optional<AlertKind> k = enabled.get(i).isTextual() ? kind(enabled.get(i).asText()) : Optional.empty();
                if (k.isEmpty()) {
                    errors.add(new Problem.FieldError("$.enabled[" + i + "]", "one-of", "must be one of "
                            + String.join(", ", Arrays.stream(AlertKind.values()).map(AlertKind::id).toList())));
                } else {
                    on.add(k.get());
                }
            }
        }
        if (body.has("urgentLowMgdl") && !(body.get("urgentLowMgdl").isInt()
                && body.get("urgentLowMgdl").asInt() == AlertSettings.URGENT_LOW_MGDL)) {
            errors.add(new Problem.FieldError("$.urgentLowMgdl", "fixed", "is " + AlertSettings.URGENT_LOW_MGDL
                    + " mg/dL and cannot be changed"));
        }
        int low = integer(body, "lowMgdl", d.lowMgdl(), errors);
        int high = integer(body, "highMgdl", d.highMgdl(), errors);
        double rise = number(body, "riseRate", d.riseRate(), errors);
        double fall = number(body, "fallRate", d.fallRate(), errors);
        int horizon = integer(body, "predictionMinutes", d.predictionMinutes(), errors);
        int loss = integer(body, "signalLossMinutes", d.signalLossMinutes(), errors);
        LocalTime from = time(body, "quietFrom", errors);
        LocalTime to = time(body, "quietTo", errors);
        AlertSettingsStore.Delivery dd = AlertSettingsStore.Delivery.defaults();
        boolean values = bool(body, "valuesOnLockScreen", dd.valuesOnLockScreen(), errors);
        boolean email = bool(body, "emailAlerts", dd.emailAlerts(), errors);
        int repeat = integer(body, "repeatMinutes", dd.repeatMinutes(), errors);
        int escalate = integer(body, "escalateMinutes", dd.escalateMinutes(), errors);
        if (repeat != 0 && (repeat < 5 || repeat > 240)) {
            errors.add(new Problem.FieldError("$.repeatMinutes", "range", "must be 0 (never) or from 5 to 240 minutes"));
        }
        if (escalate < 5 || escalate > 120) {
            errors.add(new Problem.FieldError("$.escalateMinutes", "range", "must be from 5 to 120 minutes"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The alert settings have problems.", errors));
        }
        AlertSettings s = new AlertSettings(on, low, high, rise, fall, horizon, loss, from, to);
        List<Problem.FieldError> rules = s.problems().stream().map(p -> new Problem.FieldError("$." + field(p.field()),
                p.rule(), p.message())).toList();
        if (!rules.isEmpty()) {
            throw new ProblemException(Problem.validation("The alert settings have problems.", rules));
        }
        AlertSettingsStore.Delivery delivery = new AlertSettingsStore.Delivery(values, email, repeat, escalate);
        store.save(me, s, delivery, clock.instant());
        ctx.json(view(new AlertSettingsStore.Stored(s, delivery)));
    }

    /** The API's name of a setting's field. */
    private static String field(String core) {
        return switch (core) {
            case "low" -> "lowMgdl";
            case "high" -> "highMgdl";
            default -> core;
        };
    }

    private static int integer(JsonNode body, String f, int fallback, List<Problem.FieldError> errors) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            errors.add(new Problem.FieldError("$." + f, "type", "must be a whole number"));
            return fallback;
        }
        return v.asInt();
    }

    private static boolean bool(JsonNode body, String f, boolean fallback, List<Problem.FieldError> errors) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            errors.add(new Problem.FieldError("$." + f, "type", "must be true or false"));
            return fallback;
        }
        return v.asBoolean();
    }

    private static double number(JsonNode body, String f, double fallback, List<Problem.FieldError> errors) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            errors.add(new Problem.FieldError("$." + f, "type", "must be a number"));
            return fallback;
        }
        return v.asDouble();
    }

    private static LocalTime time(JsonNode body, String f, List<Problem.FieldError> errors) {
        JsonNode v = body.get(f);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || !v.asText().matches("\\d{2}:\\d{2}")) {
            errors.add(new Problem.FieldError("$." + f, "format", "must be a local time HH:MM"));
            return null;
        }
        try {
            return LocalTime.parse(v.asText());
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError("$." + f, "format", "must be a local time HH:MM"));
            return null;
        }
    }
}
