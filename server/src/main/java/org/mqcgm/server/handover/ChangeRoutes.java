package org.mqcgm.server.handover;

import java.util.Map;
import java.util.UUID;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.web.PageContext;

/**
 * The page of a controller change for signed-in people, {@code /controller-change}: the notice (reading it marks
 * the in-app notice seen), links to export and to delete the account, and, when the successor changes the terms,
 * the choice: accept the transfer, decline it (the account is deleted at the transfer date), or decline and delete
 * the account now (confirmed on the ordinary account-deletion page).
 */
final class ChangeRoutes {

    static final String PAGE = "/controller-change";
    /** The ordinary account deletion (the cancellation feature's page), where "delete now" is confirmed. */
    static final String DELETE_ACCOUNT = "/settings/delete-account";

    private final ControllerChanges changes;
    private final ChangeNotices notices;

    ChangeRoutes(ControllerChanges changes, ChangeNotices notices) {
        this.changes = changes;
        this.notices = notices;
    }

    void register(Routes routes, Web web) {
        routes.get(PAGE, Access.PAGE, ctx -> {
            UUID me = Principal.of(ctx).accountId();
            render(ctx, web, me, "saved".equals(ctx.queryParam("choice")));
        });
        routes.post(PAGE, Access.PAGE, ctx -> {
            UUID me = Principal.of(ctx).accountId();
            String choice = ctx.formParam("choice");
            switch (choice == null ? "" : choice) {
                case "accept" -> changes.choose(me, ControllerChanges.Choice.ACCEPT);
                case "decline" -> changes.choose(me, ControllerChanges.Choice.DECLINE);
                case "delete-now" -> {
                    // Declined; the deletion itself is confirmed (password, typed confirmation) on the ordinary page.
                    changes.choose(me, ControllerChanges.Choice.DECLINE);
                    ctx.redirect(DELETE_ACCOUNT, io.javalin.http.HttpStatus.SEE_OTHER);
                    return;
                }
                default -> throw new ProblemException(Problem.badRequest("Choose one of the answers.",
                        new Problem.FieldError("choice", "one-of", "must be accept, decline or delete-now")));
            }
            ctx.redirect(PAGE + "?choice=saved", io.javalin.http.HttpStatus.SEE_OTHER);
        });
    }

    private void render(io.javalin.http.Context ctx, Web web, UUID me, boolean saved) {
        PageContext page = web.contexts().of(ctx);
        ControllerChangeViews.Page model = changes.latestFor(me)
                .map(c -> ControllerChangeViews.Page.of(c, changes.choiceOf(me, c.id()), saved))
                .orElse(ControllerChangeViews.Page.none());
        notices.markSeen(me);
        // Rendered with the notice already read: the banner pointing here is gone on this very page.
        web.pages().render(ctx, new PageContext(page.msg(), page.csrf(), page.unit(), page.profile(), page.path(),
                null, page.crashReports()), "handover/change.jte", Map.of("model", model));
    }
}
