package org.mqcgm.collector.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the collector's unexpected errors to its mqcgm server ({@code POST /api/v1/crash-reports}, PR-50), first
 * party, best effort, in the background. The report names a random install id kept in the collector's data
 * directory ({@code install-id}), never the account or the sensor. Before each report it asks the server whether the
 * account consents to crash reports, and sends nothing when it does not (then it asks again only after an hour);
 * the server scrubs what it takes before storing it. One report at a time, at most {@link #PER_HOUR} an hour.
 */
public final class CrashReporter {

    /** The most reports sent in one hour. */
    static final int PER_HOUR = 5;
    static final Duration QUIET_AFTER_REFUSAL = Duration.ofHours(1);
    static final int MAX_STACK = 16_000;
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
    private static final Logger log = LoggerFactory.getLogger(CrashReporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final URI consentEndpoint;
    private final String token;
    private final HttpClient http;
    private final String installId;
    private final String version;
    private final Clock clock;
    private final Deque<Instant> sent = new ArrayDeque<>();
    private Instant quietUntil = Instant.MIN;
    private boolean inFlight;
    private final java.util.List<Integer> answered = new java.util.ArrayList<>();

    /**
     * @param dataDir the collector's data directory, where the install id is kept
     * @param version the collector's version, sent with each report
     */
    public CrashReporter(URI server, String token, Connection connection, Path dataDir, String version, Clock clock)
            throws IOException {
        connection.check(server);
        this.endpoint = server.resolve("/api/v1/crash-reports");
        this.consentEndpoint = server.resolve("/api/v1/crash-reports/consent");
        this.token = Objects.requireNonNull(token, "token");
        this.http = connection.client();
        this.installId = installId(dataDir);
        this.version = version == null ? "" : version;
        this.clock = clock;
    }

    /** The install id of a data directory: made once (a random UUID), then read from {@code install-id}. */
    static String installId(Path dataDir) throws IOException {
        Path file = dataDir.resolve("install-id");
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (UUID_TEXT.matcher(id).matches()) {
                return id;
            }
        }
        String id = UUID.randomUUID().toString();
        Files.createDirectories(dataDir);
        Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
        return id;
    }

    /**
     * Reports an error in the background (never throws, never blocks the collector): first asks the server whether
     * the account takes crash reports ({@code GET /api/v1/crash-reports/consent}) and sends only after a yes. False
     * when nothing is attempted: a report is still on its way, {@link #PER_HOUR} went this hour, or the account did
     * not take them in the last hour.
     */
    public boolean report(Throwable error) {
        if (!admit()) {
            return false;
        }
        byte[] body = body(error);
        HttpRequest ask = HttpRequest.newBuilder(consentEndpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
        http.sendAsync(ask, HttpResponse.BodyHandlers.ofString()).thenCompose(answer -> {
            boolean granted = answer.statusCode() == 200 && answer.body().replace(" ", "").contains("\"granted\":true");
            if (!granted) {
                synchronized (this) {
                    quietUntil = clock.instant().plus(QUIET_AFTER_REFUSAL);
                }
                log.info("crash reports are off for this account; none is sent");
                return java.util.concurrent.CompletableFuture.completedFuture(-answer.statusCode());
            }
            HttpRequest send = HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            return http.sendAsync(send, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
        }).whenComplete((status, failure) -> {
            synchronized (this) {
                inFlight = false;
                answered.add(failure != null ? 0 : status);
            }
            if (failure != null) {
                log.debug("crash report not sent: {}", failure.getClass().getSimpleName());
            }
        });
        return true;
    }

    /**
     * What came of each report, in order (tests): the status of the report's POST, or minus the status of the
     * consent question when the account did not take reports (nothing was sent), 0 when the server was not reached.
     */
    synchronized java.util.List<Integer> answered() {
        return java.util.List.copyOf(answered);
    }

    private synchronized boolean admit() {
        Instant now = clock.instant();
        if (inFlight || now.isBefore(quietUntil)) {
            return false;
        }
        while (!sent.isEmpty() && sent.peekFirst().isBefore(now.minus(Duration.ofHours(1)))) {
            sent.removeFirst();
        }
        if (sent.size() >= PER_HOUR) {
            return false;
        }
        sent.addLast(now);
        inFlight = true;
        return true;
    }

    byte[] body(Throwable error) {
        StringWriter stack = new StringWriter();
        error.printStackTrace(new PrintWriter(stack));
        String trace = stack.toString();
        ObjectNode n = JSON.createObjectNode()
                .put("source", "collector")
                .put("installId", installId)
                .put("appVersion", version.length() > 100 ? version.substring(0, 100) : version)
                .put("platform", platform())
                .put("kind", error.getClass().getName())
                .put("message", error.getMessage() == null ? "" : error.getMessage())
                .put("stack", trace.length() > MAX_STACK ? trace.substring(0, MAX_STACK) : trace);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The operating system and Java version, e.g. {@code Linux 6.1 / Java 21} (nothing of the machine). */
    static String platform() {
        String s = System.getProperty("os.name", "?") + " " + System.getProperty("os.version", "") + " / Java "
                + Runtime.version().feature();
        return s.length() > 100 ? s.substring(0, 100) : s;
    }

    /** The install id (tests). */
    String installId() {
        return installId;
    }
}
