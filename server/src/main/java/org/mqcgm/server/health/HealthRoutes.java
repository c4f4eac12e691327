package org.mqcgm.server.health;

import io.javalin.http.Context;
import java.util.function.BooleanSupplier;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;

/**
 * {@code /healthz}: the process is alive and serving. {@code /readyz}: it can do useful work — the database
 * answers and the server is not shutting down — so a load balancer may send traffic.
 */
public final class HealthRoutes implements Feature {

    private final BooleanSupplier databaseReachable;
    private volatile boolean stopping;

    /** The JSON answers, by their component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    public HealthRoutes(BooleanSupplier databaseReachable) {
        this.databaseReachable = databaseReachable;
    }

    @Override
    public void routes(Routes routes, Web web) {
        routes.get("/healthz", Access.PUBLIC, ctx -> ok(ctx, new ApiSchemas.Health("ok")));
        routes.get("/readyz", Access.PUBLIC, this::ready);
    }

    /** Called at shutdown, before requests in flight are drained, so load balancers stop sending new ones. */
    public void markStopping() {
        stopping = true;
    }

    private void ready(Context ctx) {
        notReadyBecause().ifPresent(reason -> {
            throw new ProblemException(Problem.of(503, "not-ready", "Not ready", reason));
        });
        ok(ctx, new ApiSchemas.Ready("ready", "ok"));
    }

    /** Why the server should not receive traffic now, if it should not. */
    java.util.Optional<String> notReadyBecause() {
        if (stopping) {
            return java.util.Optional.of("The server is shutting down.");
        }
        if (!databaseReachable.getAsBoolean()) {
            return java.util.Optional.of("The database does not answer.");
        }
        return java.util.Optional.empty();
    }

    private static void ok(Context ctx, Object body) {
        ctx.header("Cache-Control", "no-store");
        ctx.json(body);
    }
}
