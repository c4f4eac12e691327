package org.mqcgm.server.platform.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.AccessControl;
import org.mqcgm.server.platform.security.RateLimit;

/**
 * The route table. Features register their routes here, each with its {@link Access} rule; the rule is checked by
 * {@link AccessControl} before the handler runs, so no handler can forget it. The table is kept so tests can walk
 * every route (the authorization matrix).
 */
public final class Routes {

    /**
     * A registered route, for the authorization matrix and the documentation; {@code limit}: its request limit
     * ({@link #limited}), or null.
     */
    public record Route(HandlerType method, String path, Access access, RateLimit limit) {
        public Route(HandlerType method, String path, Access access) {
            this(method, path, access, null);
        }
    }

    private final RoutesConfig javalin;
    private final AccessControl accessControl;
    private final List<Route> table;
    private final RateLimit limit;

    public Routes(RoutesConfig javalin, AccessControl accessControl) {
        this(javalin, accessControl, new ArrayList<>(), null);
    }

    private Routes(RoutesConfig javalin, AccessControl accessControl, List<Route> table, RateLimit limit) {
        this.javalin = javalin;
        this.accessControl = accessControl;
        this.table = table;
        this.limit = limit;
    }

    /**
     * The routes registered through the returned table are also under {@code limit} (ASVS V11.1.4): after the
     * access check, each request counts against it ({@link AccessControl#admit}), 429 with {@code Retry-After}
     * past it. E.g. {@code routes.limited(RateLimit.REPORTS).get("/api/v1/reports/agp.pdf", rule, handler)}.
     */
    public Routes limited(RateLimit limit) {
        return new Routes(javalin, accessControl, table, limit);
    }

    public void get(String path, Access access, Handler handler) {
        add(HandlerType.GET, path, access, handler);
    }

    public void post(String path, Access access, Handler handler) {
        add(HandlerType.POST, path, access, handler);
    }

    /**
     * A POST whose multipart/form-data body may hold a file of up to {@code maxFileBytes} (and {@link #FORM_ENVELOPE}
     * of form around it), instead of the server-wide multipart limit, for a caller with a live session or API token
     * (anonymous bodies stay under the server-wide limit). The parts stay in memory (no plaintext upload in a
     * temporary file), and the limit is in place before the access check reads the form's CSRF field.
     */
    public void postMultipart(String path, Access access, int maxFileBytes, Handler handler) {
        table.add(new Route(HandlerType.POST, path, access, limit));
        javalin.addHttpHandler(HandlerType.POST, path, ctx -> {
            // Only for a caller with a live session or token: an anonymous body is read (for its CSRF field) under the
            // server-wide limit, so nobody unknown makes the server hold a large upload in memory.
            if (accessControl.identifies(ctx)) {
                ctx.req().setAttribute(MULTIPART_CONFIG, new jakarta.servlet.MultipartConfigElement(
                        System.getProperty("java.io.tmpdir"), maxFileBytes, (long) maxFileBytes + FORM_ENVELOPE,
                        maxFileBytes + FORM_ENVELOPE));
            }
            check(ctx, access, path);
            if (limit != null) {
                accessControl.admit(ctx, limit);
            }
            handler.handle(ctx);
        });
    }

    /**
     * Whether reading a multipart body failed on a size limit (Jetty's "max … exceeded" / "max size", or a 413 bad
     * message), anywhere in the cause chain: the caller answers its own 413 problem.
     */
    public static boolean isMultipartSizeLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (m.contains("max") && (m.contains("size") || m.contains("length") || m.contains("exceed"))) {
                return true;
            }
            if (t instanceof org.eclipse.jetty.http.BadMessageException b && b.getCode() == 413) {
                return true;
            }
        }
        return false;
    }

    /** What a multipart form may hold besides its file (the other fields, the part headers). */
    public static final int FORM_ENVELOPE = 64 * 1024;
    private static final String MULTIPART_CONFIG = "org.eclipse.jetty.multipartConfig";

    public void put(String path, Access access, Handler handler) {
        add(HandlerType.PUT, path, access, handler);
    }

    public void patch(String path, Access access, Handler handler) {
        add(HandlerType.PATCH, path, access, handler);
    }

    public void delete(String path, Access access, Handler handler) {
        add(HandlerType.DELETE, path, access, handler);
    }

    /**
     * A Server-Sent Events stream; the access rule is checked before the stream opens. The stream is served
     * whatever the Accept header says ({@code curl -N} sends none; Javalin's own handler would answer an empty
     * 200), and no cache may keep it.
     */
    public void sse(String path, Access access, Consumer<SseClient> client) {
        // The check runs in the plain handler wrapper, before the stream commits a 200 and its headers.
        add(HandlerType.GET, path, access, ctx -> {
            jakarta.servlet.http.HttpServletResponse res = ctx.res();
            res.setStatus(200);
            res.setCharacterEncoding("UTF-8");
            res.setContentType("text/event-stream");
            res.setHeader("Cache-Control", "no-store");
            res.setHeader("Connection", "close");
            res.setHeader("X-Accel-Buffering", "no");
            res.flushBuffer();
            // Once open, the stream lasts only as long as the credential it was opened with (AccessControl.watch).
            ctx.async(config -> config.timeout = 0, () -> {
                SseClient c = new SseClient(ctx);
                if (accessControl.draining()) {
                    AccessControl.endWithRetryHint(c); // this node stops: come back through the balancer
                    return;
                }
                accessControl.watch(c, access);
                client.accept(c);
            });
        });
    }

    private void add(HandlerType method, String path, Access access, Handler handler) {
        table.add(new Route(method, path, access, limit));
        javalin.addHttpHandler(method, path, ctx -> {
            check(ctx, access, path);
            if (limit != null) {
                accessControl.admit(ctx, limit);
            }
            handler.handle(ctx);
        });
    }

    /** The access check; every refusal is written to the security log with the rule and the reason. */
    private void check(io.javalin.http.Context ctx, Access access, String path) {
        org.slf4j.MDC.put(org.mqcgm.server.platform.logging.SecurityLogLine.ROUTE_MDC, path);
        try {
            accessControl.check(ctx, access);
        } catch (RuntimeException e) {
            org.mqcgm.server.platform.security.RequestSecurityLog.denied(ctx, access, e);
            throw e;
        }
    }

    /** Runs {@code handler} before every request (the composition root's request-wide notes). */
    public void before(Handler handler) {
        javalin.before(handler);
    }

    public List<Route> table() {
        return Collections.unmodifiableList(table);
    }
}
