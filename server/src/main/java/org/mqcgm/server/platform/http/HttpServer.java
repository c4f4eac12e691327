package org.mqcgm.server.platform.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.mqcgm.server.platform.db.SafeErrors;
import org.mqcgm.server.platform.security.AccessControl;
import org.mqcgm.server.platform.web.WebRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The Javalin server with everything every route shares: virtual threads, a bounded request size, request ids,
 * security headers, problem responses for every error, an access log without personal data, and graceful
 * shutdown (requests in flight are finished, up to ten seconds).
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final Logger access = LoggerFactory.getLogger("mqcgm.access");
    private static final String PROBLEM_WRITTEN = "mqcgm.problem-written";

    /** Renders an error as an HTML page for browsers; problem+json is used otherwise. */
    public interface HtmlErrors {
        void render(Context ctx, Problem problem);
    }

    /**
     * @param host            interface to bind
     * @param port            port, 0 for any
     * @param maxRequestBytes largest request body accepted
     * @param httpsDeployment the public URL is https://: cookies are {@code __Host-} cookies
     * @param clients         the trusted reverse proxies, whose {@code X-Forwarded-Proto} alone is believed
     */
    public record Settings(String host, int port, long maxRequestBytes, boolean httpsDeployment,
                           RequestObserver observer, int acceptQueue, ClientAddress clients) {
        /** Without a trusted reverse proxy: {@code X-Forwarded-Proto} is never believed. */
        public Settings(String host, int port, long maxRequestBytes, boolean httpsDeployment,
                        RequestObserver observer, int acceptQueue) {
            this(host, port, maxRequestBytes, httpsDeployment, observer, acceptQueue,
                    new ClientAddress(ClientAddress.Settings.NONE));
        }

        /** With the default accept queue. */
        public Settings(String host, int port, long maxRequestBytes, boolean httpsDeployment,
                        RequestObserver observer) {
            this(host, port, maxRequestBytes, httpsDeployment, observer, DEFAULT_ACCEPT_QUEUE);
        }

        /** A deployment served over plain http (plain cookie names), measured by nobody. */
        public Settings(String host, int port, long maxRequestBytes) {
            this(host, port, maxRequestBytes, false, (method, route, status, took) -> {
            });
        }
    }

    /**
     * Connections the kernel may hold for the server before it accepts them (the listen backlog; Linux caps it at
     * {@code net.core.somaxconn}). Jetty's default leaves the JDK's 50: when thousands of followers' apps reconnect
     * their live streams at once (after a restart), the kernel dropped the rest, and they waited for their
     * retransmissions (seconds to minutes).
     */
    public static final int DEFAULT_ACCEPT_QUEUE = 1024;

    /** How long a client is asked to wait when every database connection stayed busy (503). */
    static final int BUSY_RETRY_SECONDS = 2;

    /** Told of every request once answered, by route template (operators' metrics). */
    @FunctionalInterface
    public interface RequestObserver {
        void answered(String method, String routeTemplate, int status, java.time.Duration took);
    }

    /** The largest multipart body, in MB: a 10 MB photo with its form around it. */
    static final int MULTIPART_MAX_MB = 11;

    private final Javalin javalin;
    private final Routes routes;

    private HttpServer(Javalin javalin, Routes routes) {
        this.javalin = javalin;
        this.routes = routes;
    }

    /** Builds the server, lets each feature register its routes, and starts listening. */
    public static HttpServer start(Settings settings, ObjectMapper mapper, AccessControl accessControl,
                                   HtmlErrors htmlErrors, Consumer<Routes> features) {
        Routes[] holder = new Routes[1];
        Javalin app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = settings.maxRequestBytes();
            // Multipart bodies (photo uploads, at most 10 MB) are parsed in memory, so a plaintext photo is never
            // written to a temporary file, and bounded, so no form post can fill the memory.
            config.jetty.multipartConfig.maxInMemoryFileSize(MULTIPART_MAX_MB, io.javalin.config.SizeUnit.MB);
            config.jetty.multipartConfig.maxTotalRequestSize(MULTIPART_MAX_MB, io.javalin.config.SizeUnit.MB);
            config.http.prefer405over404 = true;
            config.http.generateEtags = false;
            config.jsonMapper(new JavalinJackson(mapper, true));
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(10_000);
                server.setErrorHandler(new JettyErrors());
            });

            config.routes.before(ctx -> {
                RequestIds.assign(ctx);
                // Secure cookies and HSTS: from the public URL, the connection, or a trusted proxy's word only.
                WebRequests.markHttps(ctx, settings.httpsDeployment() || "https".equalsIgnoreCase(ctx.scheme())
                        || settings.clients().forwardedHttps(ctx));
                SecurityHeaders.apply(ctx);
                org.mqcgm.server.platform.web.Cookies.markHttpsDeployment(ctx, settings.httpsDeployment());
                if (ctx.path().startsWith("/api/")) {
                    // API answers carry health data and credentials: no cache may keep them. A route serving
                    // something public (the OpenAPI document) may say otherwise.
                    ctx.header("Cache-Control", "no-store");
                    apiDisposition(ctx);
                }
                rejectUnknownCharset(ctx);
            });

            config.routes.exception(ProblemException.class, (e, ctx) -> write(ctx, mapper, htmlErrors, e.problem()));
            config.routes.exception(AccessControl.NightscoutRefused.class, (e, ctx) -> {
                // Nightscout clients parse Nightscout's error shape, not problem+json.
                ctx.attribute(PROBLEM_WRITTEN, Boolean.TRUE);
                ctx.status(e.status());
                com.fasterxml.jackson.databind.node.ObjectNode body = mapper.createObjectNode();
                body.put("status", e.status()).put("message", e.getMessage()).put("description", e.description());
                ctx.contentType("application/json").result(body.toString());
            });
            config.routes.exception(AccessControl.LoginRequired.class, (e, ctx) -> redirectWithNext(ctx, "/login"));
            config.routes.exception(AccessControl.RecentLoginRequired.class,
                    (e, ctx) -> redirectWithNext(ctx, "/confirm"));
            config.routes.exception(AccessControl.PolicyAcceptanceRequired.class,
                    (e, ctx) -> redirectWithNext(ctx, "/privacy/accept"));
            config.routes.exception(AccessControl.PasswordChangeRequired.class, (e, ctx) -> ctx.redirect(
                    AccessControl.PASSWORD_CHANGE_PAGE, io.javalin.http.HttpStatus.SEE_OTHER));
            config.routes.exception(AccessControl.OnHold.class,
                    (e, ctx) -> ctx.redirect("/guardian", io.javalin.http.HttpStatus.SEE_OTHER));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, mapper, htmlErrors,
                    fromJavalin(e)));
            config.routes.exception(Exception.class, (e, ctx) -> {
                Problem busy = busy(e);
                if (busy != null) {
                    log.warn("busy on {} {}: no database connection came free in time", ctx.method(), route(ctx));
                    write(ctx, mapper, htmlErrors, busy);
                    return;
                }
                Problem clientFault = clientFault(e);
                if (clientFault != null) {
                    // The client's fault (a broken body, an unknown charset): one line, no stack trace.
                    log.info("bad request on {} {}: {}", ctx.method(), route(ctx), e.getClass().getName());
                    write(ctx, mapper, htmlErrors, clientFault);
                    return;
                }
                // The route template, never the path: a path can hold a token (a password-reset link).
                // No bound SQL value either: a failed statement's exception carries them in its message.
                // Classes and stack frames only: a message could quote what the request carried (PR-19, PR-33).
                log.error("unhandled error on {} {}: {}", ctx.method(), route(ctx), SafeErrors.classOnly(e),
                        SafeErrors.withoutMessages(e));
                write(ctx, mapper, htmlErrors, Problem.of(500, "internal", "Internal error",
                        "Something went wrong on our side. Quote request id " + RequestIds.of(ctx)
                                + " when you contact support."));
            });
            for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
                config.routes.error(status, ctx -> {
                    if (ctx.attribute(PROBLEM_WRITTEN) == null) {
                        write(ctx, mapper, htmlErrors, status == 404 ? Problem.notFound() : generic(status));
                    }
                });
            }

            config.requestLogger.http((ctx, ms) -> {
                // Method, route path, status and time only: never bodies or query strings (they can hold
                // glucose values or share tokens; PR-19, PR-33).
                // The principal is its account id (never a login or an e-mail address); "-" when anonymous.
                access.info("{} {} {} {}ms {}", ctx.method(), route(ctx), ctx.statusCode(), Math.round(ms),
                        principal(ctx));
                settings.observer().answered(ctx.method().name(), route(ctx), ctx.statusCode(),
                        java.time.Duration.ofNanos((long) (ms * 1e6)));
                MDC.remove(RequestIds.MDC_KEY);
                MDC.remove(org.mqcgm.server.platform.logging.SecurityLogLine.ROUTE_MDC);
            });

            holder[0] = new Routes(config.routes, accessControl);
            features.accept(holder[0]);
        });
        app.unsafe.events.serverStarting(() -> {
            Server server = app.jettyServer().server();
            server.insertHandler(new GracefulHandler());
            for (org.eclipse.jetty.server.Connector c : server.getConnectors()) {
                if (c instanceof org.eclipse.jetty.server.ServerConnector connector) {
                    connector.setAcceptQueueSize(settings.acceptQueue());
                    // No per-connection cache of header fields: Jetty gives every keep-alive connection's parser
                    // one of 1,024 entries, 98 KB (a char[49152] and its nodes) held while the connection stays
                    // open; 365 of them were 35 MB of a 256 MB heap in the soak (docs/benchmarks.md, "Ten thousand
                    // wearers"), and a phone per wearer keeps a connection each. A header is parsed anew instead.
                    org.eclipse.jetty.server.HttpConnectionFactory http =
                            connector.getConnectionFactory(org.eclipse.jetty.server.HttpConnectionFactory.class);
                    if (http != null) {
                        http.getHttpConfiguration().setHeaderCacheSize(0);
                    }
                }
            }
        });
        app.start(settings.host(), settings.port());
        return new HttpServer(app, holder[0]);
    }

    /**
     * The route template of the request ({@code /reset/{token}}) for logs; never the path itself, which can hold
     * a token. A path that matched no route is not printed either.
     */
    static String route(Context ctx) {
        try {
            return ctx.endpoint() == null ? "(no route)" : ctx.endpoint().path;
        } catch (RuntimeException e) {
            return "(no route)";
        }
    }

    /** {@code principal=<account id>} of the access check's principal, or {@code principal=-}. */
    static String principal(Context ctx) {
        return "principal=" + org.mqcgm.server.platform.security.Principal.optional(ctx)
                .map(p -> p.accountId().toString()).orElse("-");
    }

    /**
     * Every API answer is an attachment named {@code api.json} (ASVS 4.0.3 V14.4.2): a browser sent to an API
     * address saves the answer instead of rendering it in this site's origin. Set before the handler runs, so a
     * download that names its own file (an export, a PDF) replaces it, and a stream gets it before it commits.
     */
    static void apiDisposition(Context ctx) {
        ctx.header("Content-Disposition", "attachment; filename=\"api.json\"");
    }

    /**
     * Refuses a request body in a charset this server does not know (415) before anything reads it; reading it
     * would otherwise fail deep in a handler.
     */
    static void rejectUnknownCharset(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type == null) {
            return;
        }
        for (String param : type.split(";")) {
            int eq = param.indexOf('=');
            if (eq < 0 || !param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                continue;
            }
            String name = param.substring(eq + 1).trim();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1);
            }
            boolean known;
            try {
                known = java.nio.charset.Charset.isSupported(name);
            } catch (java.nio.charset.IllegalCharsetNameException e) {
                known = false;
            }
            if (!known) {
                throw new ProblemException(unsupportedCharset());
            }
        }
    }

    private static Problem unsupportedCharset() {
        return Problem.of(415, "unsupported-media-type", "Unsupported media type",
                "The request's charset is not supported; send UTF-8.")
                .withErrors(List.of(new Problem.FieldError("Content-Type", "charset", "must be UTF-8")));
    }

    /** Refusals of input (400, 413, 415, 422) and their rule codes, for the security log (ASVS V7.1.3). */
    private static final java.util.Set<Integer> INPUT_REFUSALS = java.util.Set.of(400, 413, 415, 422);

    /**
     * Writes a refused input to the security log: the status, the problem type and the rules the input broke —
     * never a value or a field name the client sent.
     * Refusals of access (401, 403) and of rate (429) are logged where they are decided.
     */
    private static void logInputRefusal(Context ctx, Problem p) {
        if (!INPUT_REFUSALS.contains(p.status())) {
            return;
        }
        // The rules only: a field's name can be the client's own text (an unknown field is named as sent).
        String rules = p.errors().stream().map(Problem.FieldError::rule).distinct().limit(5)
                .collect(java.util.stream.Collectors.joining(","));
        java.util.Map<String, Object> fields = new java.util.HashMap<>();
        fields.put("status", p.status());
        fields.put("reason", p.type() == null ? "about:blank" : p.type());
        if (!rules.isEmpty()) {
            fields.put("rule", rules);
        }
        org.mqcgm.server.platform.security.RequestSecurityLog.event(ctx, "input.refused", fields);
    }

    /**
     * 503 with {@code Retry-After} when no database connection came free in time ({@code e} or a cause is the
     * pool's {@link java.sql.SQLTransientConnectionException}: a burst, e.g. thousands of live streams reopening
     * at once), or when the database cannot be reached or a connection to it broke (it restarts), else null.
     * Nothing was written: the client is asked to come back.
     */
    static Problem busy(Throwable e) {
        if (org.mqcgm.server.platform.db.Database.unreachable(e)) {
            return Problem.of(503, "database-unavailable", "Unavailable",
                    "The database cannot be reached just now; nothing was written. Try again in a moment.")
                    .with("retryAfter", BUSY_RETRY_SECONDS);
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException) {
                return Problem.of(503, "busy", "Busy", "The server is busy; try again in a moment.")
                        .with("retryAfter", BUSY_RETRY_SECONDS);
            }
        }
        return null;
    }

    /** The problem to answer when {@code e} (or its cause) is the client's fault, or null when it is ours. */
    static Problem clientFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Jetty's multipart parser over its limits (MULTIPART_MAX_MB), e.g. "max length exceeded: 11534336"
            if (t instanceof IllegalStateException && t.getMessage() != null && t.getMessage().startsWith("max ")
                    && t.getMessage().contains(" exceeded")) {
                return generic(413);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.nio.charset.UnsupportedCharsetException
                    || t instanceof java.nio.charset.IllegalCharsetNameException) {
                return unsupportedCharset();
            }
            if (t instanceof org.eclipse.jetty.io.EofException) {
                return Problem.badRequest("The request body ended early or its framing is broken.");
            }
            if (t instanceof org.eclipse.jetty.http.HttpException h && h.getCode() >= 400 && h.getCode() < 500) {
                return h.getCode() == 413 ? generic(413)
                        : Problem.badRequest("The request could not be understood.");
            }
        }
        return null;
    }

    /**
     * Sends the browser to {@code page}, to come back here afterwards (GET pages; a form goes back to the page its
     * {@code return} field names, e.g. Today's getting-started buttons, else to settings).
     */
    private static void redirectWithNext(Context ctx, String page) {
        String next = ctx.method() == io.javalin.http.HandlerType.GET ? ctx.path()
                : WebRequests.safeLocalPath(formReturn(ctx), "/settings");
        ctx.redirect(page + (next.equals("/") ? "" : "?next=" + java.net.URLEncoder.encode(next,
                java.nio.charset.StandardCharsets.UTF_8)), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private static String formReturn(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.startsWith("application/x-www-form-urlencoded") ? ctx.formParam("return") : null;
    }

    private static Problem fromJavalin(HttpResponseException e) {
        int status = e.getStatus();
        return switch (status) {
            case 413 -> Problem.of(413, "too-large", "Request too large",
                    "The request body is larger than this server accepts.");
            case 404 -> Problem.notFound();
            case 405 -> Problem.of(405, "method-not-allowed", "Method not allowed",
                    "This address does not accept this HTTP method.");
            default -> status >= 500 ? generic(status)
                    : Problem.of(status, "bad-request", "Bad request", e.getMessage());
        };
    }

    private static Problem generic(int status) {
        return switch (status) {
            case 405 -> Problem.of(405, "method-not-allowed", "Method not allowed",
                    "This address does not accept this HTTP method.");
            case 413 -> Problem.of(413, "too-large", "Request too large",
                    "The request body is larger than this server accepts.");
            case 415 -> Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "This content type is not accepted here.");
            case 400 -> Problem.of(400, "bad-request", "Bad request", "The request could not be understood.");
            default -> Problem.of(status, "internal", "Internal error", "Something went wrong on our side.");
        };
    }

    private static void write(Context ctx, ObjectMapper mapper, HtmlErrors htmlErrors, Problem problem) {
        Problem p = problem.withInstance(ctx.path()).with("requestId", RequestIds.of(ctx));
        ctx.attribute(PROBLEM_WRITTEN, Boolean.TRUE);
        ctx.status(p.status());
        logInputRefusal(ctx, p);
        if (p.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"mqcgm\"");
        }
        if (p.anyExtensions().get("retryAfter") instanceof Number seconds) {
            ctx.header("Retry-After", Long.toString(seconds.longValue()));
        }
        if (WebRequests.wantsHtml(ctx) && htmlErrors != null) {
            try {
                htmlErrors.render(ctx, p);
                return;
            } catch (RuntimeException e) {
                log.error("error page failed; answering with problem+json", SafeErrors.scrub(e));
            }
        }
        try {
            // UTF-8 bytes: a String result would be encoded as ISO-8859-1 for this type, turning Chinese into '?'
            ctx.contentType(Problem.MEDIA_TYPE).result(mapper.writeValueAsBytes(p));
        } catch (JsonProcessingException e) {
            ctx.contentType(Problem.MEDIA_TYPE).result("{\"status\":" + p.status() + "}");
        }
    }

    public int port() {
        return javalin.port();
    }

    /** The listen backlog asked of the kernel (tests). */
    int acceptQueue() {
        for (org.eclipse.jetty.server.Connector c : javalin.jettyServer().server().getConnectors()) {
            if (c instanceof org.eclipse.jetty.server.ServerConnector connector) {
                return connector.getAcceptQueueSize();
            }
        }
        return -1;
    }

    public List<Routes.Route> routes() {
        return routes.table();
    }

    /** Stops accepting connections, lets requests in flight finish (at most ten seconds), then stops. */
    @Override
    public void close() {
        javalin.stop();
    }

    /**
     * Stops accepting connections at once (the listening socket closes: new connections are refused), lets requests
     * in flight finish for at most {@code grace}, then stops. Meanwhile a connection idle for {@code idle} closes:
     * a keep-alive connection without a request, or a client that stopped sending its body (Jetty's own default is
     * one second).
     */
    public void close(java.time.Duration grace, java.time.Duration idle) {
        Server server = javalin.jettyServer().server();
        server.setStopTimeout(Math.max(1, grace.toMillis()));
        for (org.eclipse.jetty.server.Connector c : server.getConnectors()) {
            if (c instanceof org.eclipse.jetty.server.AbstractConnector connector) {
                connector.setShutdownIdleTimeout(Math.max(1, Math.min(grace.toMillis(), idle.toMillis())));
            }
        }
        try {
            javalin.stop();
        } catch (RuntimeException e) {
            // Jetty stops its connectors and handlers whatever the graceful wait gave; it reports the wait's timeout
            // afterwards. The requests still in flight then were cut: say so, and go on stopping the rest.
            if (!timedOut(e)) {
                throw e;
            }
            log.warn("stopped: requests still in flight after the {} s grace were cut", grace.toSeconds());
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

}
