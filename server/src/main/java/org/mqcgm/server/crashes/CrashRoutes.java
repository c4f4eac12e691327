package org.mqcgm.server.crashes;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.RateLimit;
import org.mqcgm.server.platform.security.Principal;

/**
 * {@code POST /api/v1/crash-reports}: any signed-in app (a web session or any API token) whose account consents
 * to crash reports; 201 with the report's id and group; at most {@link #PER_HOUR} an hour per token or session
 * (the platform's {@link RateLimit#CRASH_REPORTS}, counted across nodes; 429 with Retry-After).
 * {@code GET /api/v1/crash-reports/consent}: whether the account takes crash reports now (apps ask before sending). {@code GET /api/v1/admin/crash-reports}: the groups, for
 * operators (the admin role, with two-factor).
 */
final class CrashRoutes {

    /** The largest report taken, in bytes (the body as sent). */
    static final int MAX_BYTES = 64 * 1024;
    static final Set<String> SOURCES = Set.of("web", "collector");
    static final Set<String> FIELDS = RequestFields.of(ApiSchemas.CrashReportRequest.class);
    static final int MAX_SHORT = 100;

    /**
     * Reports taken from one token or session in an hour, the default of {@link RateLimit#CRASH_REPORTS} (an
     * account's credentials together: three times that): a looping fault must not fill the store.
     */
    static final int PER_HOUR = RateLimit.CRASH_REPORTS.defaultRule().permits();

    private final CrashReports reports;
    private final JsonBodies json;
    private final Consents consents;
    private final java.time.Clock clock;

    CrashRoutes(CrashReports reports, JsonBodies json, Consents consents, java.time.Clock clock) {
        this.reports = reports;
        this.json = json;
        this.consents = consents;
        this.clock = clock;
    }

    void register(Routes routes) {
        routes.limited(RateLimit.CRASH_REPORTS).post("/api/v1/crash-reports", Access.ANY_API.requiring(Purpose.CRASH_REPORTS), this::receive);
        // Apps ask before they send anything (the collector does): whether this account takes crash reports now.
        routes.get("/api/v1/crash-reports/consent", Access.ANY_API, ctx -> ctx.json(new ApiSchemas.CrashConsent(
                consents.granted(Principal.of(ctx).accountId(), Purpose.CRASH_REPORTS))));
        routes.get("/api/v1/admin/crash-reports", Access.ADMIN, ctx -> ctx.json(new ApiSchemas.CrashGroups(
                reports.groups(200).stream().map(ApiSchemas.CrashGroup::of).toList())));
    }

    private void receive(Context ctx) {
        if (ctx.contentLength() > MAX_BYTES || ctx.bodyAsBytes().length > MAX_BYTES) {
            throw new ProblemException(Problem.of(413, "too-large", "Crash report too large",
                    "A crash report holds at most " + MAX_BYTES + " bytes.")
                    .withErrors(List.of(new Problem.FieldError("$", "max-bytes", "at most " + MAX_BYTES
                            + " bytes"))));
        }
        JsonNode body = json.readObject(ctx, FIELDS);
        List<Problem.FieldError> errors = new ArrayList<>();
        String source = text(body, "source", errors, true);
        if (source != null && !SOURCES.contains(source)) {
            errors.add(new Problem.FieldError("$.source", "one-of", "must be web or collector"));
        }
        String install = text(body, "installId", errors, true);
        UUID installId = null;
        if (install != null) {
            try {
                installId = UUID.fromString(install);
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError("$.installId", "uuid", "must be a random UUID the app made"));
            }
        }
        String kind = text(body, "kind", errors, true);
        String message = text(body, "message", errors, true);
        String appVersion = text(body, "appVersion", errors, false);
        String platform = text(body, "platform", errors, false);
        String stack = text(body, "stack", errors, false);
        for (String f : List.of("appVersion", "platform")) {
            JsonNode v = body.get(f);
            if (v != null && v.isTextual() && !plain(v.asText())) {
                errors.add(new Problem.FieldError("$." + f, "pattern", "at most " + MAX_SHORT + " letters, digits, "
                        + "spaces and . + _ / ( ) -, without a code of 16 or more letters and digits"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The crash report has problems.", errors));
        }
        // The version and platform are kept as sent (their numbers are what an operator needs); they may only be
        // plain short texts, so they cannot carry an e-mail, a phone number's + or a token.
        CrashReports.Stored stored = reports.add(new CrashReports.Report(source, Scrubber.kind(kind), installId,
                appVersion == null ? "" : appVersion, platform == null ? "" : platform, Scrubber.text(message),
                Scrubber.text(stack)));
        ctx.status(201).json(new ApiSchemas.CrashReportReceipt(stored.id().toString(), stored.signature()));
    }

    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[0-9A-Za-z._ /()-]{0,"
            + MAX_SHORT + "}");
    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("[0-9A-Za-z]{16,}");

    /** A version or platform text: short, plain characters, no long code, nothing like a phone number. */
    static boolean plain(String s) {
        return PLAIN.matcher(s).matches() && !CODE.matcher(s).find() && !Scrubber.hasPhone(s);
    }

    private static String text(JsonNode body, String field, List<Problem.FieldError> errors, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                errors.add(new Problem.FieldError("$." + field, "required", "is required"));
            }
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new Problem.FieldError("$." + field, "type", "must be a string"));
            return null;
        }
        if (required && v.asText().isBlank()) {
            errors.add(new Problem.FieldError("$." + field, "required", "must not be empty"));
            return null;
        }
        return v.asText();
    }
}
