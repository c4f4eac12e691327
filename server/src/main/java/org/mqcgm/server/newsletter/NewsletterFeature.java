package org.mqcgm.server.newsletter;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.db.Database;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.web.WebRequests;

/**
 * The newsletter (PR-38, PR-39): opt-in through the {@code newsletter} purpose in the privacy centre, issues queued
 * by an operator ({@code mqcgm admin newsletter send FILE}) and sent by the job {@code send-newsletters} to the
 * people subscribed at that moment, each mail with an RFC 8058 one-click unsubscribe that works without signing in.
 */
public final class NewsletterFeature implements Feature {

    private final Newsletters newsletters;
    private final UnsubscribeTokens tokens;

    private NewsletterFeature(Newsletters newsletters, UnsubscribeTokens tokens) {
        this.newsletters = newsletters;
        this.tokens = tokens;
    }

    /**
     * @param contacts  a person's e-mail address and language (accounts' {@code AccountClosure::contact})
     * @param publicUrl the deployment's address, for the unsubscribe links ({@code MQCGM_PUBLIC_URL})
     */
    public static NewsletterFeature create(Platform platform,
                                           Function<UUID, Optional<AccountClosure.Contact>> contacts,
                                           String publicUrl) {
        UnsubscribeTokens tokens = new UnsubscribeTokens(platform.secrets());
        return new NewsletterFeature(new Newsletters(platform.jdbi(), platform.systemClock(), platform.consents(),
                platform.outbound(), contacts, tokens, publicUrl), tokens);
    }

    /** Never mails minors (PR-78: no marketing e-mail to people under the age of majority). */
    public void minors(java.util.function.Predicate<java.util.UUID> minor) {
        newsletters.minors(minor);
    }

    @Override
    public void routes(Routes routes, Web web) {
        // Opening the link shows a button (link scanners open links: a GET changes nothing); the button and mail
        // software's one-click POST (RFC 8058, body "List-Unsubscribe=One-Click") unsubscribe.
        routes.get(Newsletters.PATH + "{token}", Access.PUBLIC_TOKEN_IN_PATH, ctx -> {
            person(ctx);
            web.pages().render(ctx, web.contexts().of(ctx), "newsletter/unsubscribe.jte",
                    Map.of("done", false, "token", ctx.pathParam("token")));
        });
        routes.post(Newsletters.PATH + "{token}", Access.PUBLIC_TOKEN_IN_PATH, ctx -> {
            newsletters.unsubscribe(person(ctx));
            if (WebRequests.wantsHtml(ctx)) {
                web.pages().render(ctx, web.contexts().of(ctx), "newsletter/unsubscribe.jte",
                        Map.of("done", true, "token", ctx.pathParam("token")));
            } else {
                ctx.contentType("text/plain; charset=utf-8").result("Unsubscribed.\n");
            }
        });
    }

    private UUID person(Context ctx) {
        return tokens.verify(ctx.pathParam("token")).orElseThrow(() -> new ProblemException(Problem.badRequest(
                "This unsubscribe link is not valid.", new Problem.FieldError("token", "signature",
                        "must be the signed token of a newsletter e-mail, unchanged"))));
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(new Jobs.Job("send-newsletters", Duration.ofMinutes(1), newsletters::sendQueued));
    }

    /** Sends the queued issues now (tests; the job does it every minute). */
    public int sendQueued() {
        return newsletters.sendQueued();
    }

    /** The unsubscribe address of a person's mails (tests). */
    public String unsubscribeUrl(UUID person) {
        return newsletters.unsubscribeUrl(person);
    }

    /**
     * Queues an issue from the command line ({@code mqcgm admin newsletter send FILE}) against the configured
     * database; the running server's job sends it within a minute to the people subscribed then.
     */
    public static UUID queue(ServerConfig config, String subject, String body) {
        try (Database db = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword(), 2)) {
            db.migrate();
            return Newsletters.queue(db.jdbi(), Clock.systemUTC(), subject, body);
        }
    }

    /** Queues an issue in a running server's database (tests, and the command above). */
    public static UUID queue(Jdbi jdbi, String subject, String body) {
        return Newsletters.queue(jdbi, Clock.systemUTC(), subject, body);
    }
}
