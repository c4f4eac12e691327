package org.mqcgm.server.logbook;

import static org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.text.ContactDetails;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/**
 * The Logbook page, phone first and without JavaScript: the last 30 days of entries, a plain form per kind to add
 * one (the meal's photo taken with the phone's camera through a file input, uploaded with the form), and a page per
 * entry to change or delete it. Forms are read into the same checks as the API.
 */
public final class LogbookPage {

    static final Duration WINDOW = Duration.ofDays(30);
    static final int SHOWN = 100;
    static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");
    static final DateTimeFormatter SHOWN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    /** Where a form may send the browser back to. */
    static final Set<String> RETURNS = Set.of("/logbook", "/today", "/history");

    /**
     * One entry as the page shows it.
     *
     * @param time  its local date and time
     * @param local its time for a {@code datetime-local} input
     */
    public record Entry(String id, String kind, String time, String local, String label, String note, List<String> photos,
                 Map<String, String> fields) {
    }

    /**
     * A form sent back because its note holds contact details someone the wearer shares the logbook with would see
     * (PR-90): what was typed, and what was found.
     *
     * @param time   the form's local time, as typed
     * @param fields the form's fields, as typed
     */
    public record Pending(String kind, String time, Map<String, String> fields, List<String> found) {
    }

    /** The fields of the forms, as named in {@code fields.jte}. */
    static final List<String> FORM_FIELDS = List.of("carbs", "units", "insulinType", "minutes", "intensity",
            "medication", "dose", "value", "unit", "note");

    private final Checkins checkins;
    private final Photos photos;
    private final Clock dataClock;
    private final Pages pages;
    private final PageContexts contexts;
    private final Predicate<UUID> shared;

    LogbookPage(Checkins checkins, Photos photos, Clock dataClock, Pages pages, PageContexts contexts,
                Predicate<UUID> shared) {
        this.checkins = checkins;
        this.photos = photos;
        this.dataClock = dataClock;
        this.pages = pages;
        this.contexts = contexts;
        this.shared = shared;
    }

    void register(Routes routes) {
        Access page = Access.PAGE.requiring(HEALTH_DATA);
        routes.get("/logbook", page, ctx -> list(ctx, null, List.of(), 200, null));
        routes.post("/logbook", page, this::create);
        routes.get("/logbook/{id}", page, ctx -> edit(ctx, find(ctx), List.of(), 200));
        routes.post("/logbook/{id}", page, this::update);
        routes.post("/logbook/{id}/delete", page, ctx -> {
            if (!checkins.delete(owner(ctx), CheckinApiRoutes.id(ctx))) {
                throw CheckinApiRoutes.notFound();
            }
            back(ctx);
        });
    }

    private void list(Context ctx, String openKind, List<Problem.FieldError> errors, int status, Pending pending) {
        PageContext page = contexts.of(ctx);
        ZoneId zone = page.zone();
        Instant now = dataClock.instant();
        List<Entry> entries = checkins.list(owner(ctx), now.minus(WINDOW), now.plus(Duration.ofDays(1)), null, SHOWN)
                .stream().map(c -> entry(c, zone, page.unit())).toList();
        Map<String, Object> model = new HashMap<>();
        model.put("entries", entries);
        model.put("now", now.atZone(zone).format(LOCAL));
        model.put("open", openKind == null ? "" : openKind);
        model.put("errors", errors);
        model.put("pending", pending);
        ctx.status(status);
        pages.render(ctx, page, "logbook/logbook.jte", model);
    }

    private void edit(Context ctx, Checkin c, List<Problem.FieldError> errors, int status) {
        edit(ctx, c, errors, status, null);
    }

    private void edit(Context ctx, Checkin c, List<Problem.FieldError> errors, int status, Pending pending) {
        PageContext page = contexts.of(ctx);
        Map<String, Object> model = new HashMap<>();
        Entry e = entry(c, page.zone(), page.unit());
        if (pending != null) {
            // The form as typed, with the warning.
            e = new Entry(e.id(), e.kind(), e.time(), pending.time(), e.label(), e.note(), e.photos(),
                    pending.fields());
        }
        model.put("entry", e);
        model.put("errors", errors);
        model.put("found", pending == null ? List.of() : pending.found());
        ctx.status(status);
        pages.render(ctx, page, "logbook/edit.jte", model);
    }

    private void create(Context ctx) {
        String kind = ctx.formParam("kind");
        UUID owner = owner(ctx);
        try {
            ObjectNode body = body(ctx, kind, contexts.of(ctx).zone(), List.of());
            CheckinInput.Draft draft = CheckinInput.read(body, dataClock.instant());
            Pending pending = contactDetails(ctx, owner, kind, draft);
            if (pending != null) {
                list(ctx, kind, List.of(), 422, pending);
                return;
            }
            checkins.create(owner, withUpload(ctx, owner, checked(ctx, owner, draft)));
            back(ctx);
        } catch (ProblemException e) {
            list(ctx, Checkin.Kind.parse(kind).map(Checkin.Kind::id).orElse(""), errors(e), e.problem().status(),
                    null);
        }
    }

    private void update(Context ctx) {
        Checkin current = find(ctx);
        UUID owner = owner(ctx);
        List<UUID> kept = new ArrayList<>(current.values().photos());
        List<String> removed = ctx.formParams("removePhoto");
        kept.removeIf(p -> removed.contains(p.toString()));
        try {
            ObjectNode body = body(ctx, current.kind().id(), contexts.of(ctx).zone(), kept);
            Instant now = dataClock.instant();
            CheckinInput.Draft draft = CheckinInput.read(body, now);
            Pending pending = contactDetails(ctx, owner, current.kind().id(), draft);
            if (pending != null) {
                edit(ctx, current, List.of(), 422, pending);
                return;
            }
            CheckinInput.Draft complete = withUpload(ctx, owner, checked(ctx, owner, draft));
            checkins.update(owner, current.id(), c -> complete).orElseThrow(CheckinApiRoutes::notFound);
            back(ctx);
        } catch (ProblemException e) {
            if (e.problem().status() == 404) {
                throw e;
            }
            edit(ctx, current, errors(e), e.problem().status());
        }
    }

    /**
     * PR-90: when the wearer shares their logbook with someone and the note holds contact details, the form comes
     * back with a warning (nothing stored) unless the wearer chose "Save anyway" ({@code confirmContactDetails}) or
     * "Remove them" ({@code redact}). A private logbook is never held up.
     */
    private Pending contactDetails(Context ctx, UUID owner, String kind, CheckinInput.Draft draft) {
        String note = draft.values().note();
        if (note == null || confirmed(ctx) || redact(ctx) || ContactDetails.find(note).isEmpty()
                || !shared.test(owner)) {
            return null;
        }
        Map<String, String> fields = new HashMap<>();
        for (String f : FORM_FIELDS) {
            String v = ctx.formParam(f);
            if (v != null) {
                fields.put(f, v);
            }
        }
        return new Pending(kind, ctx.formParam("time"), fields, ContactDetails.find(note));
    }

    /** The draft, its note's contact details removed when the wearer asked for it (and the logbook is shared). */
    private CheckinInput.Draft checked(Context ctx, UUID owner, CheckinInput.Draft draft) {
        Checkin.Values v = draft.values();
        if (v.note() == null || !redact(ctx) || confirmed(ctx) || !shared.test(owner)) {
            return draft;
        }
        return new CheckinInput.Draft(draft.time(), draft.kind(), new Checkin.Values(v.carbs(), v.units(),
                v.insulinType(), v.minutes(), v.intensity(), v.medication(), v.dose(), v.mgdl(), v.value(),
                v.unit(), ContactDetails.redact(v.note()), v.photos()));
    }

    private static boolean confirmed(Context ctx) {
        return "true".equals(ctx.formParam("confirmContactDetails"));
    }

    private static boolean redact(Context ctx) {
        return "true".equals(ctx.formParam("redact"));
    }

    /** The draft with the form's uploaded photo stored (after every other field was checked) and added. */
    private CheckinInput.Draft withUpload(Context ctx, UUID owner, CheckinInput.Draft draft) {
        UploadedFile file = ctx.uploadedFile("photo");
        if (file == null || file.size() == 0) {
            return draft;
        }
        if (draft.values().photos().size() >= CheckinInput.MAX_PHOTOS) {
            throw CheckinInput.invalid(List.of(new Problem.FieldError("$.photos", "size",
                    "must hold at most " + CheckinInput.MAX_PHOTOS + " photos")));
        }
        byte[] bytes;
        try (InputStream in = file.content()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        UUID id = photos.upload(owner, bytes, "photo");
        List<UUID> all = new ArrayList<>(draft.values().photos());
        all.add(id);
        Checkin.Values v = draft.values();
        return new CheckinInput.Draft(draft.time(), draft.kind(), new Checkin.Values(v.carbs(), v.units(),
                v.insulinType(), v.minutes(), v.intensity(), v.medication(), v.dose(), v.mgdl(), v.value(),
                v.unit(), v.note(), all));
    }

    /** A form as the API's JSON body: the local time in the wearer's zone, numbers as numbers, blanks left out. */
    static ObjectNode body(Context ctx, String kind, ZoneId zone, List<UUID> photos) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        if (kind != null) {
            n.put("kind", kind);
        }
        String time = ctx.formParam("time");
        if (time != null && !time.isBlank()) {
            try {
                n.put("time", LocalDateTime.parse(time.trim()).atZone(zone).toOffsetDateTime().toString());
            } catch (DateTimeException e) {
                n.put("time", time);
            }
        }
        for (String f : List.of("carbs", "units", "value")) {
            String v = ctx.formParam(f);
            if (v != null && !v.isBlank()) {
                try {
                    n.put(f, new BigDecimal(v.trim().replace(',', '.')));
                } catch (NumberFormatException e) {
                    n.put(f, v);
                }
            }
        }
        String minutes = ctx.formParam("minutes");
        if (minutes != null && !minutes.isBlank()) {
            try {
                n.put("minutes", Long.parseLong(minutes.trim()));
            } catch (NumberFormatException e) {
                n.put("minutes", minutes);
            }
        }
        for (String f : List.of("insulinType", "intensity", "medication", "dose", "unit", "note")) {
            String v = ctx.formParam(f);
            if (v != null && !v.isBlank()) {
                n.put(f, v);
            }
        }
        photos.forEach(p -> n.withArray("photos").add(p.toString()));
        return n;
    }

    static Entry entry(Checkin c, ZoneId zone, org.mqcgm.core.glucose.GlucoseUnit unit) {
        Checkin.Values v = c.values();
        Map<String, String> fields = new HashMap<>();
        CheckinInput.asBody(c).properties().forEach(e -> {
            if (e.getValue().isValueNode()) {
                fields.put(e.getKey(), e.getValue().asText());
            }
        });
        return new Entry(c.id().toString(), c.kind().id(), c.time().atZoneSameInstant(zone).format(SHOWN_TIME),
                c.time().atZoneSameInstant(zone).format(LOCAL), LogbookMarks.label(c, unit), v.note(),
                v.photos().stream().map(UUID::toString).toList(), fields);
    }

    /** The problem's field errors, named as the form's fields. */
    private static List<Problem.FieldError> errors(ProblemException e) {
        if (e.problem().errors().isEmpty()) {
            return List.of(new Problem.FieldError("form", "invalid", e.problem().detail()));
        }
        return e.problem().errors().stream().map(f -> new Problem.FieldError(f.field().replaceFirst("^\\$\\.", ""),
                f.rule(), f.message())).toList();
    }

    private Checkin find(Context ctx) {
        return checkins.find(owner(ctx), CheckinApiRoutes.id(ctx)).orElseThrow(CheckinApiRoutes::notFound);
    }

    private static void back(Context ctx) {
        String to = ctx.formParam("return");
        ctx.redirect(to != null && RETURNS.contains(to) ? to : "/logbook", HttpStatus.SEE_OTHER);
    }

    private static UUID owner(Context ctx) {
        return Principal.of(ctx).accountId();
    }
}
