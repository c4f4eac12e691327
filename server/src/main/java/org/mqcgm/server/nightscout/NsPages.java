package org.mqcgm.server.nightscout;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.platform.web.QrCodes;

/**
 * Settings → Nightscout clients ({@code /settings/nightscout}): the wearer's credentials, a form making one (shown
 * once, with the URLs to paste, a QR code of xDrip+'s uploader URL and what to do in each app) and revoking at
 * once. Making a credential is a sensitive action like making an API token (password confirmed in the last five
 * minutes); revoking is not. {@code POST /settings/nightscout/uploader} is the getting-started step of the empty
 * Today page: one press makes a read-and-write credential "Uploader" and shows the same, and the page moves on to
 * Today by itself when the first reading arrives.
 */
final class NsPages {

    static final String PAGE = "/settings/nightscout";
    static final String UPLOADER_NAME = "Uploader";
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm");

    private final CredentialRoutes api;
    private final NsCredentials credentials;

    NsPages(CredentialRoutes api, NsCredentials credentials) {
        this.api = api;
        this.credentials = credentials;
    }

    void register(Routes routes, Web web) {
        routes.get(PAGE, Access.PAGE, ctx -> page(ctx, web, null, "", "readwrite", null));
        routes.post(PAGE, Access.SENSITIVE_PAGE, ctx -> create(ctx, web));
        routes.post(PAGE + "/{id}/revoke", Access.PAGE, ctx -> {
            UUID id = PathParams.uuid(ctx, "id");
            if (!credentials.revoke(Principal.of(ctx).accountId(), id)) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.redirect(PAGE + "#credentials", HttpStatus.SEE_OTHER);
        });
        routes.post(PAGE + "/uploader", Access.SENSITIVE_PAGE, ctx -> {
            NsCredentials.Issued issued = api.create(Principal.of(ctx).accountId(), UPLOADER_NAME,
                    NsCredentials.AccessLevel.READWRITE);
            PageContext page = web.contexts().of(ctx);
            web.pages().render(ctx, page, "nightscout/uploader.jte", Map.of("issued", issued(issued),
                    "latest", latest(ctx.formParam("latest"))));
        });
    }

    private void create(Context ctx, Web web) {
        String name = ctx.formParam("name") == null ? "" : ctx.formParam("name").strip();
        String access = ctx.formParam("access") == null ? "" : ctx.formParam("access");
        var level = NsCredentials.AccessLevel.parse(access);
        if (name.isEmpty() || name.length() > CredentialRoutes.MAX_NAME) {
            page(ctx, web, null, name, access, Problem.validation("The credential needs a name.", List.of(
                    new Problem.FieldError("name", "length", "must have 1 to " + CredentialRoutes.MAX_NAME
                            + " characters"))));
            return;
        }
        if (level.isEmpty()) {
            page(ctx, web, null, name, "readwrite", Problem.validation("Choose what the client may do.", List.of(
                    new Problem.FieldError("access", "one-of", "must be read or readwrite"))));
            return;
        }
        try {
            page(ctx, web, issued(api.create(Principal.of(ctx).accountId(), name, level.get())), "", "readwrite",
                    null);
        } catch (ProblemException e) {
            page(ctx, web, null, name, access, e.problem());
        }
    }

    private void page(Context ctx, Web web, NsClientsPage.Issued issued, String name, String access,
                      Problem problem) {
        PageContext page = web.contexts().of(ctx);
        ZoneId zone = page.zone();
        List<NsClientsPage.Item> items = credentials.list(Principal.of(ctx).accountId()).reversed().stream()
                .map(i -> new NsClientsPage.Item(i.id().toString(), i.name(), i.access().id, api.url(i.site()),
                        shown(i.createdAt(), zone), shown(i.lastUsedAt(), zone), shown(i.revokedAt(), zone)))
                .toList();
        Map<String, Object> model = new HashMap<>();
        model.put("model", new NsClientsPage(issued, items, name, access));
        model.put("errors", problem == null ? List.<Problem.FieldError>of() : problem.errors());
        String slug = problem == null ? "" : problem.type().substring(problem.type().lastIndexOf('/') + 1);
        model.put("problem", problem == null ? "" : page.msg().has("problem." + slug) ? page.t("problem." + slug)
                : problem.detail());
        web.pages().render(ctx, page, "nightscout/clients.jte", model);
        ctx.status(problem == null ? 200 : problem.status());
    }

    /** What the page shows of a new credential. */
    NsClientsPage.Issued issued(NsCredentials.Issued issued) {
        String site = api.url(issued.info().site());
        String xdrip = xdripUrl(site, issued.secret());
        return new NsClientsPage.Issued(issued.info().name(), issued.info().access().id, site, issued.secret(),
                xdrip, issued.token(), site + "?token=" + issued.token(),
                QrCodes.svg(xdrip, " data-testid=\"ns-qr\""));
    }

    /**
     * xDrip+'s uploader URL for a site URL: the API secret as the URL's user part and {@code api/v1/} appended
     * ({@code https://<secret>@host/ns/<site>/api/v1/}; {@code http://} for a plain-http deployment).
     */
    static String xdripUrl(String siteUrl, String secret) {
        URI u = URI.create(siteUrl);
        String path = u.getRawPath().endsWith("/") ? u.getRawPath() : u.getRawPath() + "/";
        return u.getScheme() + "://" + secret + "@" + u.getRawAuthority() + path + "api/v1/";
    }

    /** The newest reading's time the Today page showed (the live stream's event id), or empty. */
    static String latest(String value) {
        return value != null && value.matches("[0-9]{1,19}") ? value : "";
    }

    private static String shown(Instant t, ZoneId zone) {
        return t == null ? null : SHOWN.format(t.atZone(zone));
    }
}
