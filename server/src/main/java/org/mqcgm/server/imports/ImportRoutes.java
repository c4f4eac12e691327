package org.mqcgm.server.imports;

import static org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.RateLimit;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/**
 * {@code /api/v1/imports} (multipart upload → 201 preview; {@code GET …/{id}}; {@code POST …/{id}/commit}) and the
 * page {@code /import} (file and zone → preview → "Import" → progress → result). Another person's import is a 404.
 */
final class ImportRoutes {

    static final String API = "/api/v1/imports";
    static final String PAGE = "/import";
    /** Room for the multipart envelope and the small fields around the file. */
    private static final List<String> ZONES = ZoneId.getAvailableZoneIds().stream()
            .filter(z -> z.contains("/") && !z.startsWith("Etc/") && !z.startsWith("SystemV/")).sorted().toList();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ImportRoutes.class);

    private final Imports imports;
    private final JsonBodies json;
    private final Pages pages;
    private final PageContexts contexts;
    private final int maxBytes;

    ImportRoutes(Imports imports, JsonBodies json, Pages pages, PageContexts contexts, int maxBytes) {
        this.imports = imports;
        this.json = json;
        this.pages = pages;
        this.contexts = contexts;
        this.maxBytes = maxBytes;
    }

    void register(Routes routes) {
        Access api = Access.api(Scope.READINGS_WRITE).requiring(HEALTH_DATA);
        routes.limited(RateLimit.IMPORTS).postMultipart(API, api, maxBytes, this::uploadApi);
        routes.get(API + "/{id}", api, ctx -> ctx.json(own(ctx)));
        routes.limited(RateLimit.IMPORTS).post(API + "/{id}/commit", api, this::commitApi);
        Access page = Access.PAGE.requiring(HEALTH_DATA);
        routes.get(PAGE, page, ctx -> formPage(ctx, null));
        routes.limited(RateLimit.IMPORTS).postMultipart(PAGE, page, maxBytes, this::uploadPage);
        routes.get(PAGE + "/{id}", page, ctx -> importPage(ctx, own(ctx), null));
        routes.limited(RateLimit.IMPORTS).post(PAGE + "/{id}/commit", page, this::commitPage);
    }

    private ApiSchemas.Import own(Context ctx) {
        return id(ctx).flatMap(id -> imports.find(Principal.of(ctx).accountId(), id))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    private static Optional<UUID> id(Context ctx) {
        return org.mqcgm.server.platform.http.PathParams.parseUuid(ctx.pathParam("id"));
    }

    // ------------------------------------------------------------------ API

    private void uploadApi(Context ctx) {
        Upload upload = upload(ctx);
        ApiSchemas.Import view = imports.preview(Principal.of(ctx).accountId(), upload.file(), upload.zone(),
                upload.format(), Principal.of(ctx).has(Scope.LOGBOOK));
        ctx.header("Location", API + "/" + view.id());
        ctx.status(HttpStatus.CREATED).json(view);
    }

    private void commitApi(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        UUID id = id(ctx).orElseThrow(() -> new ProblemException(Problem.notFound()));
        ApiSchemas.Import current = imports.find(owner, id).orElseThrow(() -> new ProblemException(
                Problem.notFound()));
        if (current.checkins() > 0 && !Principal.of(ctx).has(Scope.LOGBOOK)) {
            // the preview's token could write the logbook; the committing one must be able to as well
            throw new ProblemException(Problem.of(403, "insufficient-scope", "Insufficient scope",
                    "This import logs check-ins in the logbook: commit it with a token that has the scope logbook.")
                    .with("requiredScope", Scope.LOGBOOK.id()));
        }
        String zone = null;
        if (!ctx.body().isBlank()) {
            var body = json.readObject(ctx, RequestFields.of(ApiSchemas.ImportCommit.class));
            if (body.has("zone") && !body.get("zone").isNull()) {
                if (!body.get("zone").isTextual()) {
                    throw new ProblemException(Problem.badRequest("The zone must be a string.",
                            new Problem.FieldError("$.zone", "type", "must be a string")));
                }
                zone = body.get("zone").asText();
            }
        }
        imports.begin(owner, id, zone);
        ctx.json(imports.run(owner, id));
    }

    // ------------------------------------------------------------------ upload

    record Upload(byte[] file, String zone, String format) {
    }

    /**
     * The form's {@code file} (and optional {@code zone}, {@code format}) fields. The size is checked from the
     * declared length before anything is read, and while reading; the parts stay in memory (no plaintext glucose in
     * a temporary file).
     */
    private Upload upload(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "Send the file as multipart/form-data in the field 'file'.").withErrors(List.of(
                    new Problem.FieldError("file", "multipart", "a multipart/form-data file field"))));
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > (long) maxBytes + Routes.FORM_ENVELOPE) {
            throw tooLarge();
        }
        try {
            Part part = ctx.req().getPart("file");
            if (part == null || part.getSize() == 0 && (part.getSubmittedFileName() == null
                    || part.getSubmittedFileName().isEmpty())) {
                throw new ProblemException(Problem.validation("No file was sent.", List.of(new Problem.FieldError(
                        "file", "required", "a Clarity or LibreView CSV, Nightscout or Tidepool JSON file"))));
            }
            if (part.getSize() > maxBytes) {
                throw tooLarge();
            }
            byte[] bytes;
            try (InputStream in = part.getInputStream()) {
                bytes = in.readNBytes(maxBytes + 1);
            }
            if (bytes.length > maxBytes) {
                throw tooLarge();
            }
            return new Upload(bytes, field(ctx, "zone"), field(ctx, "format"));
        } catch (IOException | ServletException | IllegalStateException e) {
            if (Routes.isMultipartSizeLimit(e)) {
                throw tooLarge();
            }
            throw new ProblemException(Problem.badRequest("The multipart body could not be read.",
                    new Problem.FieldError("file", "multipart", "a well-formed multipart/form-data body")));
        }
    }

    private static String field(Context ctx, String name) throws IOException, ServletException {
        Part part = ctx.req().getPart(name);
        if (part == null) {
            return null;
        }
        try (InputStream in = part.getInputStream()) {
            return new String(in.readNBytes(200), StandardCharsets.UTF_8);
        }
    }

    private ProblemException tooLarge() {
        return new ProblemException(Problem.of(413, "file-too-large", "File too large",
                "An import file may have at most " + maxBytes / (1024 * 1024) + " MB.").withErrors(List.of(
                new Problem.FieldError("file", "max-size", "at most " + maxBytes / (1024 * 1024) + " MB"))));
    }


    // ------------------------------------------------------------------ pages

    private void formPage(Context ctx, ProblemException problem) {
        PageContext page = contexts.of(ctx);
        Map<String, Object> model = new HashMap<>();
        model.put("zones", ZONES);
        model.put("zone", page.zone().getId());
        model.put("errors", problem == null ? List.<Problem.FieldError>of() : problem.problem().errors());
        model.put("problem", problem == null ? "" : problem.problem().detail());
        if (problem != null) {
            ctx.status(problem.problem().status());
        }
        pages.render(ctx, page, "imports/form.jte", model);
    }

    private void uploadPage(Context ctx) {
        try {
            Upload upload = upload(ctx);
            ApiSchemas.Import view = imports.preview(Principal.of(ctx).accountId(), upload.file(), upload.zone(),
                    upload.format(), Principal.of(ctx).has(Scope.LOGBOOK));
            ctx.redirect(PAGE + "/" + view.id(), HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            if (e.problem().status() >= 500) {
                throw e;
            }
            formPage(ctx, e);
        }
    }

    private void importPage(Context ctx, ApiSchemas.Import view, ProblemException problem) {
        PageContext page = contexts.of(ctx);
        Map<String, Object> model = new HashMap<>();
        model.put("view", ImportPage.of(view));
        model.put("zones", ZONES);
        model.put("errors", problem == null ? List.<Problem.FieldError>of() : problem.problem().errors());
        model.put("problem", problem == null ? "" : problem.problem().detail());
        if (problem != null) {
            ctx.status(problem.problem().status());
        }
        pages.render(ctx, page, "imports/import.jte", model);
    }

    /** Claims the import now and stores it in the background; the page shows the progress until it is done. */
    private void commitPage(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        ApiSchemas.Import current = own(ctx);
        UUID id = UUID.fromString(current.id());
        try {
            imports.begin(owner, id, ctx.formParam("zone"));
        } catch (ProblemException e) {
            if (e.problem().status() >= 500 || e.problem().status() == 404) {
                throw e;
            }
            importPage(ctx, own(ctx), e);
            return;
        }
        Thread.ofVirtual().name("import-" + id).start(() -> {
            try {
                imports.run(owner, id);
            } catch (RuntimeException e) {
                log.warn("import {} failed", id);
            }
        });
        ctx.redirect(PAGE + "/" + id, HttpStatus.SEE_OTHER);
    }
}
