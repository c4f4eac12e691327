package org.mqcgm.server.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/**
 * The policy and its archive ({@code /privacy}, {@code /privacy/versions}, readable before sign-up, PR-01, PR-85),
 * the privacy centre (Settings → Privacy: a toggle per optional purpose, the history of choices, the consequences
 * shown before a withdrawal; PR-05, PR-66), the acceptance of a new major policy version (PR-83) and the consent
 * API.
 */
final class PrivacyRoutes {

    /** Pages that ask for a consent or the policy's acceptance and to which giving it returns. */
    static final Set<String> RETURN_PAGES = Set.of("/today", "/history", "/reports", "/settings",
            "/settings/privacy");

    private final Pages pages;
    private final PageContexts contexts;
    private final ConsentLedger consents;
    private final PolicyVersions versions;
    private final JsonBodies json;
    /** Whether a person is a minor: their guardian decides their consents, they cannot grant one (PR-78). */
    private final java.util.function.Predicate<UUID> minor;

    PrivacyRoutes(Pages pages, PageContexts contexts, ConsentLedger consents, PolicyVersions versions,
                  JsonBodies json, java.util.function.Predicate<UUID> minor) {
        this.pages = pages;
        this.contexts = contexts;
        this.consents = consents;
        this.versions = versions;
        this.json = json;
        this.minor = minor;
    }

    /**
     * A person's own grant of a purpose: refused for a minor (403 {@code MINOR_CONSENT_BY_GUARDIAN}) — the guardian
     * consents for them, and research, newsletters, third-party transfers stay off (PR-78). Withdrawing is always
     * possible. Every path through which a person records their own choice (privacy centre, consent page, API)
     * passes here before the ledger is written.
     */
    private void ownChoice(UUID owner, Purpose purpose, boolean granted, String channel) {
        if (granted && minor.test(owner)) {
            throw new ProblemException(Problem.of(403, "minor-consent-by-guardian", "Your guardian decides",
                            "Until you reach the age of majority your guardian gives consents for you; research,"
                                    + " newsletters and transfers to third parties stay off. You can still withdraw"
                                    + " a consent.")
                    .with("code", "MINOR_CONSENT_BY_GUARDIAN")
                    .withErrors(List.of(new Problem.FieldError("purpose", "guardian",
                            "a minor cannot grant '" + purpose.id() + "' themselves"))));
        }
        consents.record(owner, purpose, granted, channel);
    }


    void register(Routes routes) {
        routes.get("/privacy", Access.PUBLIC, ctx -> showPolicy(ctx, versions.current(), false));
        routes.get("/privacy/versions", Access.PUBLIC, ctx -> pages.render(ctx, contexts.of(ctx),
                "privacy/versions.jte", Map.of("versions", versions.all().reversed(),
                        "current", versions.current().number())));
        routes.get("/privacy/versions/{number}", Access.PUBLIC, ctx -> showPolicy(ctx, version(ctx), true));
        routes.get("/privacy/versions/{number}/text", Access.PUBLIC, this::plainText);
        // An archived version is never changed (the table refuses it too): every writing method is 405.
        routes.put("/privacy/versions/{number}", Access.PUBLIC, PrivacyRoutes::readOnly);
        routes.patch("/privacy/versions/{number}", Access.PUBLIC, PrivacyRoutes::readOnly);
        routes.delete("/privacy/versions/{number}", Access.PUBLIC, PrivacyRoutes::readOnly);

        routes.get("/privacy/cookies", Access.PUBLIC, ctx -> {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("signal", org.mqcgm.server.platform.web.TrackingSignals.of(ctx).orElse(null));
            pages.render(ctx, contexts.of(ctx), "privacy/cookies.jte", model);
        });
        routes.get("/settings/privacy", Access.PAGE, this::centre);
        routes.post("/settings/privacy", Access.PAGE, this::choose);
        routes.get("/privacy/accept", Access.PAGE, this::acceptPage);
        routes.post("/privacy/accept", Access.PAGE, this::accept);

        routes.get("/api/v1/me/consents", Access.api(Scope.PROFILE_READ),
                ctx -> ctx.json(consents.history(Principal.of(ctx).accountId())
                        .stream().map(e -> new ApiSchemas.Consent(e.at().toString(), e.purpose().id(),
                                e.granted(), e.channel(), e.policyVersion(), e.subject())).toList()));
        routes.post("/api/v1/me/consents", Access.api(Scope.PROFILE_WRITE), this::recordFromApi);
        routes.post("/settings/consents", Access.PAGE, ctx -> {
            ownChoice(Principal.of(ctx).accountId(), Purpose.HEALTH_DATA,
                    "yes".equals(ctx.formParam("health_data")), "web");
            // Back to the page that asked for the consent (a fixed list: never an arbitrary address).
            ctx.redirect(back(ctx.formParam("return")).orElse("/settings#privacy"), HttpStatus.SEE_OTHER);
        });
    }

    private static Optional<String> back(String page) {
        return page != null && RETURN_PAGES.contains(page) ? Optional.of(page) : Optional.empty();
    }

    private PolicyVersions.Version version(Context ctx) {
        String number = ctx.pathParam("number");
        if (!number.matches("[1-9][0-9]{0,8}")) {
            throw new ProblemException(Problem.notFound());
        }
        return versions.byNumber(Integer.parseInt(number)).orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    private void showPolicy(Context ctx, PolicyVersions.Version version, boolean archived) {
        PageContext page = contexts.of(ctx);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("version", version);
        model.put("current", versions.current().number());
        model.put("archived", archived);
        // The reading translation for the page's language, if this exact English text has one (PR-85).
        Optional<String> translation = "en".equals(page.lang()) ? Optional.empty()
                : PolicyTranslations.of(page.lang(), version.sha256());
        model.put("translated", translation.isPresent());
        model.put("document", PolicyDocument.parse(translation.orElse(version.text())));
        model.put("upcoming", versions.upcoming().orElse(null));
        pages.render(ctx, page, "privacy/policy.jte", model);
    }

    /** The exact archived text, with its SHA-256 as a representation digest (RFC 9530) and as the entity tag. */
    private void plainText(Context ctx) {
        PolicyVersions.Version v = version(ctx);
        ctx.header("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(
                java.util.HexFormat.of().parseHex(v.sha256())) + ":");
        ctx.header("ETag", "\"" + v.sha256() + "\"");
        ctx.contentType("text/plain; charset=utf-8");
        ctx.result(v.text().getBytes(StandardCharsets.UTF_8));
    }

    private static void readOnly(Context ctx) {
        ctx.header("Allow", "GET");
        throw new ProblemException(Problem.of(405, "method-not-allowed", "Method not allowed",
                "An archived version of the privacy policy can be read, never changed. Operators publish a new"
                        + " version with 'mqcgm admin publish-policy'."));
    }

    // ---------------------------------------------------------------- the privacy centre

    private void centre(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        PageContext page = contexts.of(ctx);
        List<ConsentLedger.Event> history = consents.history(owner);
        // Tracking is shown as the "Do not track" switch (on while tracking is not granted), not as a purpose row.
        List<PrivacyViews.PurposeRow> optional = Purpose.optionalOnes().stream().filter(p -> p != Purpose.TRACKING)
                .map(p -> new PrivacyViews.PurposeRow(p, latestGrant(history, p))).toList();
        List<Purpose> fixed = Arrays.stream(Purpose.values()).filter(p -> !p.optional() && p != Purpose.POLICY)
                .toList();
        List<PrivacyViews.HistoryRow> rows = history.stream().map(e -> new PrivacyViews.HistoryRow(e, number(e.policyVersion()))).toList();
        // The versions the person accepted, oldest first (sign-up, re-consents).
        List<PolicyVersions.Version> accepted = history.stream()
                .filter(e -> e.purpose() == Purpose.POLICY && e.granted())
                .map(e -> versions.byVersion(e.policyVersion())).flatMap(Optional::stream).distinct()
                .sorted(java.util.Comparator.comparingInt(PolicyVersions.Version::number)).toList();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("optional", optional);
        model.put("fixed", fixed);
        model.put("history", rows);
        model.put("accepted", accepted);
        model.put("current", versions.current());
        model.put("mustAccept", consents.mustAcceptPolicy(owner));
        model.put("minor", minor.test(owner));
        model.put("saved", ctx.queryParam("saved") != null);
        model.put("doNotTrack", !latestGrant(history, Purpose.TRACKING));
        model.put("doNotTrackBySignal", history.stream()
                .filter(e -> e.purpose() == Purpose.TRACKING && e.purposeWide()).findFirst()
                .map(e -> !e.granted() && ("dnt".equals(e.channel()) || "gpc".equals(e.channel()))).orElse(false));
        pages.render(ctx, page, "privacy/centre.jte", model);
    }

    /** The person's latest recorded choice about a purpose (false when none). */
    private static boolean latestGrant(List<ConsentLedger.Event> newestFirst, Purpose purpose) {
        return newestFirst.stream().filter(e -> e.purpose() == purpose && e.purposeWide()).findFirst()
                .map(ConsentLedger.Event::granted).orElse(false);
    }

    private int number(String version) {
        return version == null ? 0 : versions.byVersion(version).map(PolicyVersions.Version::number).orElse(0);
    }

    /**
     * A choice from the privacy centre. Granting takes effect at once; withdrawing first shows what stops (a
     * confirmation page) and takes effect when confirmed.
     */
    private void choose(Context ctx) {
        Purpose purpose = Purpose.parse(Optional.ofNullable(ctx.formParam("purpose")).orElse(""))
                .filter(Purpose::optional)
                .orElseThrow(() -> new ProblemException(Problem.badRequest("Choose a purpose.",
                        new Problem.FieldError("purpose", "one-of", "must be one of " + optionalIds()))));
        String choice = ctx.formParam("granted");
        if (!"yes".equals(choice) && !"no".equals(choice)) {
            throw new ProblemException(Problem.badRequest("Choose to give or withdraw the consent.",
                    new Problem.FieldError("granted", "one-of", "must be yes or no")));
        }
        UUID owner = Principal.of(ctx).accountId();
        // Turning "Do not track" on (withdrawing tracking) stops nothing the person uses: no confirmation.
        if ("no".equals(choice) && purpose != Purpose.TRACKING && !"yes".equals(ctx.formParam("confirm"))) {
            pages.render(ctx, contexts.of(ctx), "privacy/withdraw.jte", Map.of("purpose", purpose));
            return;
        }
        ownChoice(owner, purpose, "yes".equals(choice), "web");
        ctx.redirect("/settings/privacy?saved#purpose-" + purpose.id(), HttpStatus.SEE_OTHER);
    }

    private static String optionalIds() {
        return String.join(", ", Purpose.optionalOnes().stream().map(Purpose::id).toList());
    }

    // ---------------------------------------------------------------- a new major version to accept

    private void acceptPage(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        PolicyVersions.Version current = versions.current();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("version", current);
        model.put("mustAccept", consents.mustAcceptPolicy(owner));
        model.put("next", back(ctx.queryParam("next")).orElse("/today"));
        pages.render(ctx, contexts.of(ctx), "privacy/accept.jte", model);
    }

    /**
     * Records the acceptance of the version the page showed; a version that is no longer current (a newer one was
     * published meanwhile) is refused, so nobody accepts a text they were not shown. Accepting needs this explicit
     * click: continued use is never taken as acceptance (PR-83).
     */
    private void accept(Context ctx) {
        String shown = ctx.formParam("version");
        PolicyVersions.Version current = versions.current();
        if (shown == null || !shown.equals(current.version())) {
            throw new ProblemException(Problem.of(409, "policy-outdated", "The policy changed",
                    "The policy was updated while you read it. Read the current version and accept it.")
                    .with("code", "POLICY_OUTDATED")
                    .withErrors(List.of(new Problem.FieldError("version", "current",
                            "must be the current version " + current.version()))));
        }
        consents.acceptPolicy(Principal.of(ctx).accountId(), current.version(), "web");
        ctx.redirect(back(ctx.formParam("next")).orElse("/today"), HttpStatus.SEE_OTHER);
    }

    /**
     * The notice of a minor change, shown once per person (the account remembers the version seen: no cookie, so
     * it works the same with cookies blocked or a Do Not Track signal).
     */
    static org.mqcgm.server.platform.web.Notices notices(ConsentLedger consents, PolicyVersions versions,
                                                        PolicyNotices seen) {
        return (ctx, profile, msg) -> {
            if (ctx.path().startsWith("/privacy/accept")) {
                return Optional.empty();
            }
            if (consents.mustAcceptPolicy(profile.id())) {
                return Optional.of(new org.mqcgm.server.platform.web.Notices.Notice(
                        msg.t("privacy.notice.major"), "/privacy/accept", msg.t("privacy.notice.major.link")));
            }
            Optional<PolicyVersions.Version> minor = versions.minorNotice();
            if (minor.isEmpty() || !seen.showOnce(profile.id(), minor.get().number())) {
                return Optional.empty();
            }
            return Optional.of(new org.mqcgm.server.platform.web.Notices.Notice(
                    msg.t("privacy.notice.minor", minor.get().summary()), "/privacy",
                    msg.t("privacy.notice.minor.link")));
        };
    }

    // ---------------------------------------------------------------- the consent API

    private void recordFromApi(Context ctx) {
        JsonNode body = json.readTree(ctx);
        List<Problem.FieldError> errors = new ArrayList<>(JsonBodies.unknownFields(body,
                RequestFields.of(ApiSchemas.ConsentRequest.class), "$"));
        // Only purposes a person chooses: not the policy (accepted by signing up), not a contract purpose.
        Optional<Purpose> purpose = Purpose.parse(body.path("purpose").asText("")).filter(Purpose::optional);
        if (purpose.isEmpty()) {
            errors.add(new Problem.FieldError("$.purpose", "one-of", "must be one of " + optionalIds()));
        }
        if (!body.path("granted").isBoolean()) {
            errors.add(new Problem.FieldError("$.granted", "type", "must be true or false"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.badRequest("The consent could not be recorded.",
                    errors.toArray(Problem.FieldError[]::new)));
        }
        ownChoice(Principal.of(ctx).accountId(), purpose.get(), body.path("granted").asBoolean(), "api");
        ctx.status(201).json(new ApiSchemas.ConsentRecorded(purpose.get().id(), body.path("granted").asBoolean(),
                versions.current().version()));
    }
}
