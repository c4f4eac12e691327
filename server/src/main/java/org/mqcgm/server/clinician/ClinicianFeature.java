package org.mqcgm.server.clinician;

import java.io.IOException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.profile.Profile;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.security.LinkTokens;
import org.mqcgm.server.platform.security.ReadLog;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.PageContext;

/**
 * Clinician links (issue 12, PR-24): the wearer makes an expiring (at most 30 days), revocable, read-only link to
 * the AGP report of a period they choose (at most 90 days), optionally protected by a PIN, for someone without an
 * account. The link's token is 256 random bits, shown once and stored only hashed; guessing is limited per client
 * and wrong PINs per link. Every view is recorded and listed to the wearer ({@link #readLog()}: "who saw my data").
 * The report itself comes from the reports feature through {@link ReportPage} and {@link ReportPdf}.
 */
public final class ClinicianFeature implements Feature {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    /** Renders a person's read-only report page over whole local days (the reports feature's). */
    @FunctionalInterface
    public interface ReportPage {
        void render(io.javalin.http.Context ctx, PageContext page, Profile owner, LocalDate first, LocalDate last,
                    String heading, String note, String pdfUrl);
    }

    /** A person's one-page AGP PDF over whole local days, in a language; empty when PDFs are unavailable. */
    @FunctionalInterface
    public interface ReportPdf {
        Optional<byte[]> render(Profile owner, LocalDate first, LocalDate last, Language language);
    }

    /**
     * @param publicUrl the address users reach the web app at (links are made under it)
     * @param argon2    the cost of hashing PINs (as passwords)
     */
    public record Settings(String publicUrl, ServerConfig.Argon2Cost argon2) {
    }

    private final LinkRoutes routes;
    private final LinkStore store;
    private final LinkTokenService tokens;
    private final Platform platform;

    private ClinicianFeature(LinkRoutes routes, LinkStore store, LinkTokenService tokens, Platform platform) {
        this.routes = routes;
        this.store = store;
        this.tokens = tokens;
        this.platform = platform;
    }

    public static ClinicianFeature create(Platform platform, Settings settings, ReportPage page, ReportPdf pdf) {
        LinkStore store = new LinkStore(platform.jdbi(), platform.userKeys());
        LinkTokenService tokens = new LinkTokenService(store, platform.secrets(), platform.clientAddress(),
                platform.systemClock(), settings.argon2());
        Links links = new Links(store, tokens, platform.systemClock());
        return new ClinicianFeature(new LinkRoutes(links, store, tokens, platform.json(), platform.consents(),
                settings.publicUrl(), page, pdf), store, tokens, platform);
    }

    /** The port the access check asks on link routes ({@code AccessControl.linkTokens}). */
    public LinkTokens linkTokens() {
        return tokens;
    }

    /**
     * Ends every running link of the person at once (a reported compromise, PR-59): from then on the link answers
     * 410 "this link has ended", as at its planned end.
     */
    public void endAllLinks(UUID owner) {
        store.endAll(owner, platform.systemClock().instant());
    }

    /** Views through the wearer's links, for "who saw my data": who = the link's label, what = report. */
    public ReadLog readLog() {
        return (person, since, limit) -> store.views(person, since, limit).stream()
                .map(v -> new ReadLog.Entry(v.at(), v.label(), "clinician-link", "report")).toList();
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes, web);
    }

    /** The wearer's links (never their tokens or PIN hashes) and the views through them. */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(
                        new Category("clinician-links", store.count(owner),
                                "sharing your report with a clinician through a link you made (your consent to sharing)",
                                "you: each link you made (its label, period, end; its token is never stored)",
                                "this server's PostgreSQL database (the label encrypted with your key)"),
                        new Category("clinician-link-views", store.viewCount(owner),
                                "showing you who saw your data",
                                "the server: each time someone opened one of your links (the time only, no address)",
                                "this server's PostgreSQL database"));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                List<LinkStore.View> views = store.views(owner, java.time.Instant.EPOCH, Integer.MAX_VALUE);
                List<Map<String, Object>> rows = store.list(owner).stream().map(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", r.id());
                    m.put("label", r.label());
                    m.put("from", r.firstDay().toString());
                    m.put("to", r.lastDay().toString());
                    m.put("created", r.created().toString());
                    m.put("expires", r.expires().toString());
                    m.put("revoked", r.revoked() == null ? null : r.revoked().toString());
                    m.put("pin", r.pinHash() != null);
                    m.put("views", views.stream().filter(v -> v.linkId().equals(r.id()))
                            .map(v -> Map.of("at", v.at().toString(), "what", v.what())).toList());
                    return m;
                }).toList();
                archive.json(platform.mapper(), "clinician-links.json", "The report links you made "
                        + "for clinicians: label, report period, when each was made, ends or was revoked, whether "
                        + "it has a PIN, and each time it was opened (never the link's token). JSON array, newest "
                        + "first.", rows);
            }
        });
    }
}
