package org.mqcgm.server.alerts;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.core.alerts.AlertKind;
import org.mqcgm.core.alerts.AlertSettings;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/**
 * The Alerts page ({@code /alerts}): the wearer's alerts, newest first, each with why in their language and unit and
 * an Acknowledge button (a plain form: works without JavaScript); the newest unacknowledged urgent low announced in
 * an assertive live region; never by colour alone (a symbol and words). Below, the alert settings in the wearer's
 * unit and the button the app's script wires to turn on notifications (asking the browser only when tapped).
 */
public final class AlertsPage {

    static final int SHOWN = 50;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    /** The kinds a wearer may turn on or off on the page (the urgent low is always on). */
    static final List<AlertKind> OPTIONAL = List.of(AlertKind.LOW, AlertKind.HIGH, AlertKind.RISE, AlertKind.FALL,
            AlertKind.PREDICTED_LOW, AlertKind.SIGNAL_LOSS);

    /** One alert as shown. */
    public record Row(String id, String kind, String title, String symbol, String time, String why,
                      String acknowledged, boolean quiet, boolean urgent) {
    }

    /** The settings form's values, in the wearer's unit. */
    public record Form(List<String> enabled, String low, String high, int signalLossMinutes, String quietFrom,
                       String quietTo, boolean valuesOnLockScreen, boolean emailAlerts, int repeatMinutes,
                       int escalateMinutes, String unit) {
    }

    private final AlertStore alerts;
    private final AlertSettingsStore settings;
    private final Clock clock;
    private final Pages pages;
    private final PageContexts contexts;

    AlertsPage(AlertStore alerts, AlertSettingsStore settings, Clock clock, Pages pages, PageContexts contexts) {
        this.alerts = alerts;
        this.settings = settings;
        this.clock = clock;
        this.pages = pages;
        this.contexts = contexts;
    }

    void register(Routes routes) {
        Access page = Access.PAGE.requiring(Purpose.HEALTH_DATA);
        routes.get("/alerts", page, ctx -> show(ctx, null, List.of(), 200));
        routes.post("/alerts/{id}/ack", page, ctx -> {
            if (!alerts.acknowledge(owner(ctx), AlertApiRoutes.id(ctx), clock.instant())) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.redirect("/alerts", HttpStatus.SEE_OTHER);
        });
        routes.post("/alerts/settings", page, this::save);
    }

    private static UUID owner(Context ctx) {
        return Principal.of(ctx).accountId();
    }

    private void show(Context ctx, Form typed, List<Problem.FieldError> errors, int status) {
        PageContext page = contexts.of(ctx);
        List<Row> rows = new ArrayList<>();
        for (AlertStore.Alert a : alerts.list(owner(ctx), Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"),
                SHOWN)) {
            rows.add(new Row(a.id().toString(), a.kind(), AlertWords.title(a.kind(), page.msg().language()),
                    symbol(a.kind()), a.at().atZone(page.zone()).format(LOCAL),
                    AlertWords.why(a.kind(), a.inputs(), page.msg().language(), page.unit()),
                    a.acknowledgedAt() == null ? null : a.acknowledgedAt().atZone(page.zone()).format(LOCAL),
                    a.quiet(), a.urgent()));
        }
        Row announce = rows.stream().filter(r -> r.urgent() && r.acknowledged() == null).findFirst().orElse(null);
        Map<String, Object> model = new HashMap<>();
        model.put("alerts", rows);
        model.put("announce", announce);
        model.put("form", typed != null ? typed : form(settings.all(owner(ctx)), page.unit()));
        model.put("kinds", OPTIONAL.stream().map(AlertKind::id).toList());
        model.put("errors", errors);
        model.put("saved", "1".equals(ctx.queryParam("saved")));
        ctx.status(status);
        pages.render(ctx, page, "alerts/alerts.jte", model);
    }

    /** A symbol beside the words, so that no alert is told by colour alone. */
    static String symbol(String kind) {
        return switch (kind) {
            case "urgent-low" -> "\u203C"; // ‼
            case "low", "fall", "predicted-low" -> "\u2193"; // ↓
            case "high", "rise" -> "\u2191"; // ↑
            case "signal-loss" -> "\u26A0"; // ⚠
            default -> "\u2139"; // ℹ
        };
    }

    static Form form(AlertSettingsStore.Stored s, GlucoseUnit unit) {
        AlertSettings r = s.rules();
        AlertSettingsStore.Delivery d = s.delivery();
        return new Form(r.enabled().stream().map(AlertKind::id).toList(), unit.format(r.lowMgdl()),
                unit.format(r.highMgdl()), r.signalLossMinutes(),
                r.quietFrom() == null ? "" : r.quietFrom().toString(), r.quietTo() == null ? "" : r.quietTo().toString(),
                d.valuesOnLockScreen(), d.emailAlerts(), d.repeatMinutes(), d.escalateMinutes(), unit.symbol());
    }

    private void save(Context ctx) {
        PageContext page = contexts.of(ctx);
        GlucoseUnit unit = page.unit();
        UUID me = owner(ctx);
        AlertSettingsStore.Stored current = settings.all(me);
        List<Problem.FieldError> errors = new ArrayList<>();
        List<String> on = ctx.formParams("enabled");
        EnumSet<AlertKind> enabled = EnumSet.of(AlertKind.URGENT_LOW);
        for (AlertKind k : OPTIONAL) {
            if (on.contains(k.id())) {
                enabled.add(k);
            }
        }
        String lowText = ctx.formParam("low");
        String highText = ctx.formParam("high");
        Integer low = glucose(lowText, "low", unit, errors);
        Integer high = glucose(highText, "high", unit, errors);
        Integer loss = whole(ctx.formParam("signalLossMinutes"), "signalLossMinutes", errors);
        Integer repeat = whole(ctx.formParam("repeatMinutes"), "repeatMinutes", errors);
        Integer escalate = whole(ctx.formParam("escalateMinutes"), "escalateMinutes", errors);
        String fromText = blankToEmpty(ctx.formParam("quietFrom"));
        String toText = blankToEmpty(ctx.formParam("quietTo"));
        LocalTime from = time(fromText, "quietFrom", errors);
        LocalTime to = time(toText, "quietTo", errors);
        // Values on a lock screen are chosen per device (Settings → Notifications), not here: the stored account
        // setting (the API's deprecated valuesOnLockScreen) is kept as it was.
        boolean values = current.delivery().valuesOnLockScreen();
        boolean email = ctx.formParam("emailAlerts") != null;
        Form typed = new Form(enabled.stream().map(AlertKind::id).toList(), lowText == null ? "" : lowText,
                highText == null ? "" : highText, loss == null ? 0 : loss, fromText, toText, values, email,
                repeat == null ? 0 : repeat, escalate == null ? 0 : escalate, unit.symbol());
        if (errors.isEmpty()) {
            AlertSettings r = current.rules();
            AlertSettings s = new AlertSettings(enabled, low, high, r.riseRate(), r.fallRate(),
                    r.predictionMinutes(), loss, from, to);
            s.problems().forEach(p -> errors.add(new Problem.FieldError(p.field(), p.rule(), p.message())));
            if (repeat != 0 && (repeat < 5 || repeat > 240)) {
                errors.add(new Problem.FieldError("repeatMinutes", "range", "must be 0 or from 5 to 240 minutes"));
            }
            if (escalate < 5 || escalate > 120) {
                errors.add(new Problem.FieldError("escalateMinutes", "range", "must be from 5 to 120 minutes"));
            }
            if (errors.isEmpty()) {
                settings.save(me, s, new AlertSettingsStore.Delivery(values, email, repeat, escalate),
                        clock.instant());
                ctx.redirect("/alerts?saved=1#settings", HttpStatus.SEE_OTHER);
                return;
            }
        }
        show(ctx, typed, errors, 422);
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s.trim();
    }

    private static Integer glucose(String text, String field, GlucoseUnit unit, List<Problem.FieldError> errors) {
        try {
            double v = Double.parseDouble(text == null ? "" : text.trim());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return unit.toStoredMgdl(v);
        } catch (NumberFormatException e) {
            errors.add(new Problem.FieldError(field, "type", "must be a number in " + unit.symbol()));
            return null;
        }
    }

    private static Integer whole(String text, String field, List<Problem.FieldError> errors) {
        try {
            return Integer.parseInt(text == null ? "" : text.trim());
        } catch (NumberFormatException e) {
            errors.add(new Problem.FieldError(field, "type", "must be a whole number"));
            return null;
        }
    }

    private static LocalTime time(String text, String field, List<Problem.FieldError> errors) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return LocalTime.parse(text.length() > 5 ? text.substring(0, 5) : text);
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError(field, "format", "must be a local time HH:MM"));
            return null;
        }
    }
}
