package org.mqcgm.server.rights;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.RateLimit;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Reconfirmation;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Messages;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/**
 * "My data" ({@code /settings/data}, {@code GET /api/v1/me/data}) and exports ({@code /settings/export},
 * {@code /api/v1/me/exports}). Creating an export needs the password again (and the code with two-factor, PR-64);
 * one export per person is queued or running at a time (another request is a 409 naming the running one).
 */
final class RightsRoutes {

    static final String EXPORTS = "/api/v1/me/exports";

    private final Exports exports;
    private final ExportWorker worker;
    private final Supplier<List<PersonalData>> sources;
    private final Reconfirmation reconfirmation;
    private final JsonBodies json;
    private final Pages pages;
    private final PageContexts contexts;

    RightsRoutes(Exports exports, ExportWorker worker, Supplier<List<PersonalData>> sources,
                 Reconfirmation reconfirmation, JsonBodies json, Pages pages, PageContexts contexts) {
        this.exports = exports;
        this.worker = worker;
        this.sources = sources;
        this.reconfirmation = reconfirmation;
        this.json = json;
        this.pages = pages;
        this.contexts = contexts;
    }

    void register(Routes routes) {
        routes.get("/api/v1/me/data", Access.api(Scope.PROFILE_READ),
                ctx -> ctx.json(new ApiSchemas.MyData(categories(Principal.of(ctx).accountId()))));
        routes.limited(RateLimit.EXPORTS).post(EXPORTS, Access.api(Scope.ACCOUNT_MANAGE), this::createFromApi);
        routes.get(EXPORTS + "/{id}", Access.api(Scope.ACCOUNT_MANAGE), ctx -> ctx.json(view(own(ctx))));
        routes.get(EXPORTS + "/{id}/archive", Access.api(Scope.ACCOUNT_MANAGE), this::archive);
        routes.get("/settings/data", Access.PAGE, this::myDataPage);
        routes.get("/settings/export", Access.PAGE, ctx -> exportPage(ctx, null, HttpStatus.OK));
        routes.limited(RateLimit.EXPORTS).post("/settings/export", Access.PAGE, this::createFromPage);
    }

    /** Every feature's categories about {@code owner}, in the features' order. */
    List<ApiSchemas.DataCategory> categories(UUID owner) {
        List<ApiSchemas.DataCategory> out = new ArrayList<>();
        for (PersonalData data : sources.get()) {
            for (PersonalData.Category c : data.categories(owner)) {
                out.add(new ApiSchemas.DataCategory(c.id(), c.count(), c.purpose(), c.source(), c.location()));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- exports

    private Exports.Job own(Context ctx) {
        return PathParams.parseUuid(ctx.pathParam("id")).flatMap(id -> exports.find(Principal.of(ctx).accountId(), id))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    private ApiSchemas.Export view(Exports.Job job) {
        Exports.Status status = job.status(exports.now());
        boolean ready = status == Exports.Status.READY;
        return new ApiSchemas.Export(job.id().toString(), status.id(),
                status == Exports.Status.READY || status == Exports.Status.EXPIRED ? 1.0 : job.progress(),
                ready ? EXPORTS + "/" + job.id() + "/archive" : null,
                job.expiresAt() == null ? null : job.expiresAt().toString());
    }

    /**
     * Confirms the password (and code), then queues the export. A wrong password is a 401 and queues nothing; an
     * export already queued or running is a 409 whose {@code Location} names it.
     */
    private UUID create(Context ctx, String password, String code) {
        UUID owner = Principal.of(ctx).accountId();
        reconfirmation.confirm(ctx, owner, password, code == null || code.isBlank() ? null : code.strip());
        // PR-75: at most three self-service exports in 24 hours; the next one is a 429 with Retry-After, never a
        // refusal (and never a fee: self-service stays free, PR-74).
        Optional<java.time.Instant> next = exports.nextAllowed(owner);
        if (next.isPresent()) {
            long seconds = Math.max(1, java.time.Duration.between(exports.now(), next.get()).toSeconds() + 1);
            throw new ProblemException(Problem.of(429, "export-rate-limited", "Too many exports today",
                    "You can make " + Exports.PER_WINDOW + " exports in 24 hours, free of charge. The next one is"
                            + " possible at " + next.get() + ".").with("code", "EXPORT_RATE_LIMITED")
                    .with("retryAfter", seconds).with("nextAllowed", next.get().toString()));
        }
        Optional<UUID> id = exports.queue(owner);
        if (id.isEmpty()) {
            String running = exports.active(owner).map(j -> EXPORTS + "/" + j.id()).orElse(EXPORTS);
            throw new ProblemException(Problem.of(409, "export-in-progress", "An export is being made",
                    "Your previous export is still being made; wait until it is ready.").with("export", running));
        }
        worker.wake();
        return id.get();
    }

    private void createFromApi(Context ctx) {
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.ExportRequest.class));
        List<Problem.FieldError> errors = new ArrayList<>();
        if (!body.path("password").isTextual() || body.path("password").asText().isEmpty()) {
            errors.add(new Problem.FieldError("$.password", "required", "your password is needed again"));
        }
        if (body.has("code") && !body.get("code").isTextual() && !body.get("code").isNull()) {
            errors.add(new Problem.FieldError("$.code", "type", "must be a string"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The export was not started.", errors));
        }
        UUID id;
        try {
            id = create(ctx, body.get("password").asText(), body.path("code").isTextual()
                    ? body.get("code").asText() : null);
        } catch (ProblemException e) {
            if (e.problem().anyExtensions().get("export") instanceof String running) {
                ctx.header("Location", running);
            }
            throw e;
        }
        ctx.header("Location", EXPORTS + "/" + id);
        ctx.status(HttpStatus.ACCEPTED).json(view(exports.find(Principal.of(ctx).accountId(), id).orElseThrow()));
    }

    private void archive(Context ctx) throws IOException {
        Exports.Job job = own(ctx);
        switch (job.status(exports.now())) {
            case READY -> {
                if (!exports.countDownload(job.owner(), job.id())) {
                    throw gone();
                }
                ctx.contentType("application/zip");
                ctx.header("Content-Disposition", "attachment; filename=\"mqcgm-export-"
                        + job.finishedAt().toString().substring(0, 10) + ".zip\"");
                if (job.archiveBytes() != null) {
                    ctx.header("Content-Length", Long.toString(job.archiveBytes()));
                }
                try (OutputStream out = ctx.outputStream()) {
                    exports.read(job.owner(), job.id(), out);
                }
            }
            case EXPIRED -> throw gone();
            case FAILED -> throw new ProblemException(Problem.of(409, "export-failed", "The export failed",
                    "This export could not be made; request a new one."));
            default -> throw new ProblemException(Problem.of(409, "export-not-ready", "Not ready yet",
                    "The export is still being made.").with("progress", job.progress()));
        }
    }

    private static ProblemException gone() {
        return new ProblemException(Problem.of(410, "export-expired", "Expired",
                "This export's archive is deleted 7 days after it was made or after its "
                        + Exports.DOWNLOADS + "th download; request a new export."));
    }

    // ---------------------------------------------------------------- pages

    static List<DataRow> rows(Messages msg, List<ApiSchemas.DataCategory> categories) {
        List<DataRow> rows = new ArrayList<>();
        for (ApiSchemas.DataCategory c : categories) {
            String key = "rights.category." + c.id();
            rows.add(new DataRow(c.id(), text(msg, key + ".name", c.id()), c.count(), text(msg, key + ".purpose",
                    c.purpose()), text(msg, key + ".source", c.source()), text(msg, key + ".location", c.location())));
        }
        return rows;
    }

    private static String text(Messages msg, String key, String fallback) {
        return msg.has(key) ? msg.t(key) : fallback;
    }

    private void myDataPage(Context ctx) {
        PageContext page = contexts.of(ctx);
        pages.render(ctx, page, "rights/data.jte",
                Map.of("rows", rows(page.msg(), categories(Principal.of(ctx).accountId()))));
    }

    private void exportPage(Context ctx, Problem problem, HttpStatus status) {
        PageContext page = contexts.of(ctx);
        ZoneId zone = page.zone();
        DateTimeFormatter minutes = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
        ExportView latest = exports.latest(Principal.of(ctx).accountId()).map(j -> {
            ApiSchemas.Export v = view(j);
            return new ExportView(v.status(), (int) Math.floor(v.progress() * 100), v.archive(),
                    j.expiresAt() == null ? "" : minutes.format(j.expiresAt().atZone(zone)),
                    minutes.format(j.createdAt().atZone(zone)));
        }).orElse(null);
        Map<String, Object> model = new HashMap<>();
        model.put("latest", Optional.ofNullable(latest));
        model.put("errors", problem == null ? List.<Problem.FieldError>of() : problem.errors());
        String slug = problem == null ? "" : problem.type().substring(problem.type().lastIndexOf('/') + 1);
        model.put("problem", problem == null ? "" : page.msg().has("problem." + slug) ? page.t("problem." + slug)
                : page.msg().has("rights.problem." + slug) ? page.t("rights.problem." + slug) : problem.detail());
        ctx.status(status);
        pages.render(ctx, page, "rights/export.jte", model);
    }

    private void createFromPage(Context ctx) {
        String password = ctx.formParam("password");
        if (password == null || password.isEmpty()) {
            exportPage(ctx, Problem.validation("The export was not started.", List.of(new Problem.FieldError(
                    "password", "required", "your password is needed again"))), HttpStatus.UNPROCESSABLE_CONTENT);
            return;
        }
        try {
            create(ctx, password, ctx.formParam("code"));
            ctx.redirect("/settings/export", HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            exportPage(ctx, e.problem(), HttpStatus.forStatus(e.problem().status()));
        }
    }
}
