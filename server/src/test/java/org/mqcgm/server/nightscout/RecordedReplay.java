package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Replays the recorded Nightscout client calls of {@code src/test/resources/nightscout/recorded/*.json} (their
 * schema is in the README.md next to them) against a running server and says which expectations a response broke.
 * Kept free of JUnit so that {@link RecordedClientsTest} decides what a broken expectation means (a failure, or a
 * skip for a step in its PENDING set).
 */
final class RecordedReplay {

    /** What a client file says: which client, from which part of the spec, its credentials and its calls. */
    record ClientFile(String client, String spec, Map<String, CredentialSpec> credentials, List<Step> steps) {
    }

    /**
     * A credential made for the file through {@code POST /api/v1/nightscout/credentials}.
     *
     * @param access {@code read} or {@code readwrite}
     * @param wearer whose credential: absent for the file's wearer, any other name for a second, separate wearer
     */
    record CredentialSpec(String access, String wearer) {
    }

    /**
     * One call.
     *
     * @param call    the client call id in nightscout-api.md (X2, XF1, A4, L-entries-post…) or a § for server rules
     * @param advance moves the data clock forward before the call (e.g. {@code 5m})
     * @param save    response values kept for later steps, by name → JSON pointer
     * @param saveHeaders response headers kept for later steps, by name → header name
     */
    record Step(String name, String call, String why, String advance, Request request, Expect expect,
                Map<String, String> save, Map<String, String> saveHeaders) {
    }

    /**
     * @param body    JSON, placeholders resolved in its strings
     * @param rawBody sent as it is (for bodies that are no JSON)
     * @param gzip    sends the body gzip-compressed with {@code Content-Encoding: gzip}
     */
    record Request(String method, String path, Map<String, String> headers, JsonNode body, String rawBody,
                   boolean gzip) {
    }

    /**
     * @param status  a code ({@code 200}), a class ({@code "4xx"}) or alternatives ({@code "200|4xx"})
     * @param body    the exact body
     * @param bodyExcludes strings the body must not contain
     * @param length  JSON pointer → array length, or {@code "posted"} for as many as the request's body held
     * @param types   JSON pointer ({@code *} = every element, at least one) → type names joined by {@code |}
     * @param json    JSON pointer → the exact JSON value (placeholders resolved; numbers compared by value)
     * @param matches JSON pointer → a regular expression the value's text matches whole
     * @param headers header name → a regular expression its value matches whole
     */
    record Expect(JsonNode status, String body, List<String> bodyExcludes, Map<String, JsonNode> length,
                  Map<String, String> types, Map<String, JsonNode> json, Map<String, String> matches,
                  Map<String, String> headers) {
    }

    /** A credential as the server issued it. */
    record Credential(String secret, String token, String site) {
    }

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static final Pattern PLACEHOLDER = Pattern.compile(
            "\\{([A-Za-z][A-Za-z0-9]*(?:\\.[A-Za-z][A-Za-z0-9]*)?)([+-]\\d+[smhd])?(?:\\|([A-Za-z0-9]+))?}");
    private static final Pattern STATUS = Pattern.compile("[1-5]([0-9]{2}|xx)");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The offset xDrip+'s phone is in for the recorded calls (its dateString is local time, e.g. +0100). */
    static final ZoneOffset PHONE = ZoneOffset.ofHours(1);
    private static final DateTimeFormatter XDRIP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ",
            Locale.ROOT).withZone(PHONE);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    static ClientFile load(String name) {
        try (InputStream in = RecordedReplay.class.getResourceAsStream("/nightscout/recorded/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("no recorded calls nightscout/recorded/" + name + ".json");
            }
            return MAPPER.readValue(in, ClientFile.class);
        } catch (IOException e) {
            throw new UncheckedIOException("nightscout/recorded/" + name + ".json: " + e.getMessage(), e);
        }
    }

    /** Which schema rules a file breaks (empty when none): the checks of a misspelt file would silently pass. */
    static List<String> problems(String file, ClientFile f) {
        List<String> out = new ArrayList<>();
        if (f.client() == null || f.spec() == null || f.credentials() == null || !f.credentials().containsKey("main")
                || f.steps() == null || f.steps().isEmpty()) {
            out.add(file + ": needs client, spec, credentials with 'main', and steps");
            return out;
        }
        f.credentials().forEach((n, c) -> {
            if (c == null || !List.of("read", "readwrite").contains(c.access())) {
                out.add(file + ": credential " + n + " needs access read or readwrite");
            }
        });
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Step s : f.steps()) {
            String at = file + ": " + s.name();
            if (s.name() == null || !names.add(s.name())) {
                out.add(at + ": every step needs a name of its own");
            }
            if (s.call() == null || s.request() == null || s.expect() == null || s.expect().status() == null) {
                out.add(at + ": needs call, request and expect.status");
                continue;
            }
            if (s.request().method() == null || s.request().path() == null || !s.request().path().startsWith("/")) {
                out.add(at + ": request needs method and an absolute path");
            }
            for (String alternative : s.expect().status().asText().split("\\|")) {
                if (!STATUS.matcher(alternative).matches()) {
                    out.add(at + ": status '" + s.expect().status().asText() + "' is no code, class or alternatives");
                }
            }
            if (s.expect().types() != null) {
                s.expect().types().forEach((p, t) -> {
                    for (String type : t.split("\\|")) {
                        if (!TYPES.contains(type)) {
                            out.add(at + ": unknown type " + type + " at " + p);
                        }
                    }
                });
            }
            if (s.advance() != null && parseDuration(s.advance()) == null) {
                out.add(at + ": advance '" + s.advance() + "' is no duration like 5m");
            }
        }
        return out;
    }

    static final List<String> TYPES = List.of("string", "hex24", "int", "long", "number", "boolean", "object",
            "array", "null", "absent");

    private final String base;
    private final com.fasterxml.jackson.databind.node.JsonNodeFactory nodes = MAPPER.getNodeFactory();
    private final Clock clock;
    private final Map<String, Credential> credentials;
    private final Map<String, String> saved = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    RecordedReplay(String base, Clock clock, Map<String, Credential> credentials) {
        this.base = base;
        this.clock = clock;
        this.credentials = credentials;
    }

    /** The answer to one step and what it broke. */
    record Outcome(int status, String body, List<String> failures) {
        String describe() {
            String b = body.length() > 1500 ? body.substring(0, 1500) + "…" : body;
            return String.join("\n", failures) + "\n  response " + status + ": " + b;
        }
    }

    /** Sends the step's request (after its clock advance) and checks the response against its expectations. */
    Outcome run(Step step) {
        try {
            return send(step);
        } catch (IllegalArgumentException e) {
            // a placeholder whose value an earlier (pending) step did not save, or a path that is no URI
            return new Outcome(0, "", List.of("not sent: " + e.getMessage()));
        }
    }

    private Outcome send(Step step) {
        Request rq = step.request();
        String path = text(rq.path());
        JsonNode body = rq.body() == null || rq.body().isNull() ? null : resolve(rq.body());
        byte[] bytes = body != null ? body.toString().getBytes(StandardCharsets.UTF_8)
                : rq.rawBody() != null ? rq.rawBody().getBytes(StandardCharsets.UTF_8) : null;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
        boolean contentType = false;
        if (rq.headers() != null) {
            for (Map.Entry<String, String> h : rq.headers().entrySet()) {
                b.header(h.getKey(), text(h.getValue()));
                contentType |= h.getKey().equalsIgnoreCase("Content-Type");
            }
        }
        if (bytes != null) {
            if (!contentType) {
                b.header("Content-Type", "application/json");
            }
            if (rq.gzip()) {
                bytes = gzip(bytes);
                b.header("Content-Encoding", "gzip");
            }
        }
        b.method(rq.method(), bytes == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(bytes));
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.net.http.HttpTimeoutException e) {
            return new Outcome(0, "", List.of("no answer within " + TIMEOUT.toSeconds() + " s: the server must bound "
                    + "the work"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<String> failures = check(step.expect(), body, r);
        if (failures.isEmpty()) {
            keep(step, r);
        }
        return new Outcome(r.statusCode(), r.body(), failures);
    }

    /** Moves the data clock by the step's {@code advance}; the caller's clock must be mutable. */
    static Duration parseDuration(String s) {
        Matcher m = Pattern.compile("(\\d+)([smhd])").matcher(s);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private void keep(Step step, HttpResponse<String> r) {
        if (step.save() != null) {
            JsonNode json = parse(r.body());
            step.save().forEach((name, pointer) -> saved.put(name, json == null ? "" : json.at(pointer).asText()));
        }
        if (step.saveHeaders() != null) {
            step.saveHeaders().forEach((name, header) -> saved.put(name, r.headers().firstValue(header).orElse("")));
        }
    }

    // --- expectations --------------------------------------------------------------------------------------------

    private List<String> check(Expect e, JsonNode requestBody, HttpResponse<String> r) {
        List<String> f = new ArrayList<>();
        if (!statusMatches(e.status().asText(), r.statusCode())) {
            f.add("status " + r.statusCode() + ", expected " + e.status().asText());
        }
        if (e.body() != null && !e.body().equals(r.body())) {
            f.add("body is not exactly " + e.body());
        }
        if (e.bodyExcludes() != null) {
            e.bodyExcludes().stream().filter(r.body()::contains).forEach(s -> f.add("body contains '" + s + "'"));
        }
        if (e.headers() != null) {
            e.headers().forEach((name, regex) -> {
                String v = r.headers().firstValue(name).orElse(null);
                if (v == null) {
                    f.add("header " + name + " missing");
                } else if (!v.matches(regex)) {
                    f.add("header " + name + ": " + v + " does not match " + regex);
                }
            });
        }
        boolean needsJson = e.length() != null || e.types() != null || e.json() != null || e.matches() != null;
        if (!needsJson) {
            return f;
        }
        JsonNode json = parse(r.body());
        if (json == null) {
            f.add("body is not JSON");
            return f;
        }
        if (e.length() != null) {
            e.length().forEach((pointer, want) -> {
                int n = want.isTextual() && want.asText().equals("posted")
                        ? (requestBody == null ? 0 : requestBody.isArray() ? requestBody.size() : 1) : want.asInt(-1);
                for (Located at : locate(json, pointer, f)) {
                    if (!at.node().isArray()) {
                        f.add(at.path() + " is no array");
                    } else if (at.node().size() != n) {
                        f.add(at.path() + " has " + at.node().size() + " elements, expected " + n);
                    }
                }
            });
        }
        if (e.types() != null) {
            e.types().forEach((pointer, type) -> {
                List<String> allowed = List.of(type.split("\\|"));
                for (Located at : locate(json, pointer, f)) {
                    if (allowed.stream().noneMatch(t -> isType(at.node(), t))) {
                        f.add(at.path() + " is " + describe(at.node()) + ", expected " + type);
                    }
                }
            });
        }
        if (e.json() != null) {
            e.json().forEach((pointer, want) -> {
                JsonNode expected = resolve(want);
                for (Located at : locate(json, pointer, f)) {
                    if (!sameJson(at.node(), expected)) {
                        f.add(at.path() + " is " + at.node() + ", expected " + expected);
                    }
                }
            });
        }
        if (e.matches() != null) {
            e.matches().forEach((pointer, regex) -> {
                for (Located at : locate(json, pointer, f)) {
                    if (at.node().isMissingNode() || at.node().isContainerNode() || !at.node().asText().matches(regex)) {
                        f.add(at.path() + " is " + at.node() + ", does not match " + regex);
                    }
                }
            });
        }
        return f;
    }

    static boolean statusMatches(String spec, int status) {
        for (String alternative : spec.split("\\|")) {
            String s = Integer.toString(status);
            if (alternative.endsWith("xx") ? s.charAt(0) == alternative.charAt(0) : alternative.equals(s)) {
                return true;
            }
        }
        return false;
    }

    record Located(String path, JsonNode node) {
    }

    /** The nodes at a JSON pointer whose {@code *} segments stand for every element (at least one must exist). */
    static List<Located> locate(JsonNode root, String pointer, List<String> failures) {
        List<Located> current = List.of(new Located("", root));
        if (pointer.isEmpty()) {
            return current;
        }
        for (String segment : pointer.substring(1).split("/", -1)) {
            List<Located> next = new ArrayList<>();
            for (Located at : current) {
                if (segment.equals("*")) {
                    if (at.node().isArray()) {
                        for (int i = 0; i < at.node().size(); i++) {
                            next.add(new Located(at.path() + "/" + i, at.node().get(i)));
                        }
                    } else if (at.node().isObject()) {
                        at.node().properties().forEach(p -> next.add(new Located(at.path() + "/" + p.getKey(),
                                p.getValue())));
                    }
                } else {
                    String name = segment.replace("~1", "/").replace("~0", "~");
                    JsonNode child = at.node().isArray() && name.matches("\\d+") ? at.node().path(Integer.parseInt(name))
                            : at.node().path(name);
                    next.add(new Located(at.path() + "/" + name, child));
                }
            }
            if (segment.equals("*") && next.isEmpty()) {
                failures.add("no element at " + pointer + " (a '*' check needs at least one)");
            }
            current = next;
        }
        return current;
    }

    static boolean isType(JsonNode n, String type) {
        return switch (type) {
            case "absent" -> n.isMissingNode();
            case "null" -> n.isNull();
            case "string" -> n.isTextual();
            case "hex24" -> n.isTextual() && n.asText().matches("[0-9a-f]{24}");
            case "int" -> n.isIntegralNumber() && n.canConvertToInt();
            case "long" -> n.isIntegralNumber() && n.canConvertToLong();
            case "number" -> n.isNumber();
            case "boolean" -> n.isBoolean();
            case "object" -> n.isObject();
            case "array" -> n.isArray();
            default -> false;
        };
    }

    private static String describe(JsonNode n) {
        if (n.isMissingNode()) {
            return "absent";
        }
        String s = n.toString();
        return n.getNodeType().name().toLowerCase(Locale.ROOT) + " " + (s.length() > 80 ? s.substring(0, 80) + "…" : s);
    }

    /** JSON equality with numbers compared by value (1 equals 1.0 and a long 1). */
    static boolean sameJson(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!sameJson(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : b.properties()) {
                if (!a.has(e.getKey()) || !sameJson(a.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    // --- placeholders --------------------------------------------------------------------------------------------

    /** A copy of {@code node} with every placeholder in its strings resolved. */
    JsonNode resolve(JsonNode node) {
        if (node.isTextual()) {
            return value(node.asText());
        }
        if (node.isArray()) {
            ArrayNode out = nodes.arrayNode();
            node.forEach(n -> out.add(resolve(n)));
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = nodes.objectNode();
            node.properties().forEach(p -> out.set(p.getKey(), resolve(p.getValue())));
            return out;
        }
        return node;
    }

    /** A string that is exactly one numeric placeholder becomes a number; any other string stays text. */
    private JsonNode value(String s) {
        Matcher m = PLACEHOLDER.matcher(s);
        if (m.matches()) {
            Object v = lookup(m);
            if (v instanceof Long l) {
                return LongNode.valueOf(l);
            }
            if (v instanceof BigDecimal d) {
                return DecimalNode.valueOf(d);
            }
        }
        return TextNode.valueOf(text(s));
    }

    /** A string with every placeholder replaced by its text. */
    String text(String s) {
        Matcher m = PLACEHOLDER.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object v = lookup(m);
            m.appendReplacement(out, Matcher.quoteReplacement(v instanceof BigDecimal d ? d.toPlainString()
                    : v.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * One placeholder's value: a time ({@code now}, {@code t-5m}) as ms (Long), {@code double} (ms with a fraction),
     * {@code xdrip} (local {@code yyyy-MM-dd'T'HH:mm:ss.SSSZ}), {@code iso} (UTC without fraction), {@code isoMillis}
     * or {@code rfc1123}; a credential's {@code apiSecret}, {@code apiSecretSha1}, {@code apiSecretSha512},
     * {@code token}, {@code tokenSha1}, {@code site} (of {@code main}, or {@code other.token} …); a saved value; with
     * {@code |upper} or {@code |digits} applied to text.
     */
    private Object lookup(Matcher m) {
        String name = m.group(1);
        String offset = m.group(2);
        String format = m.group(3);
        if (name.equals("now") || name.equals("t")) {
            Instant t = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            if (offset != null) {
                Duration d = parseDuration(offset.substring(1));
                t = offset.startsWith("-") ? t.minus(d) : t.plus(d);
            }
            return time(t, format == null ? "ms" : format);
        }
        if (offset != null) {
            throw new IllegalArgumentException("only times take an offset: " + m.group());
        }
        String value = credentialField(name);
        if (value == null) {
            value = saved.get(name);
        }
        if (value == null) {
            throw new IllegalArgumentException("unknown placeholder " + m.group()
                    + " (no credential field, nor a value saved by an earlier step that passed)");
        }
        Function<String, String> f = switch (format == null ? "" : format) {
            case "" -> s -> s;
            case "upper" -> s -> s.toUpperCase(Locale.ROOT);
            case "digits" -> s -> s.replaceAll("[^0-9]", "");
            default -> throw new IllegalArgumentException("unknown format in " + m.group());
        };
        return f.apply(value);
    }

    private static Object time(Instant t, String format) {
        return switch (format) {
            case "ms" -> t.toEpochMilli();
            case "double" -> BigDecimal.valueOf(t.toEpochMilli()).setScale(1);
            case "xdrip" -> XDRIP.format(t);
            case "iso" -> ISO.format(t);
            case "isoMillis" -> ISO_MILLIS.format(t);
            case "rfc1123" -> DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
            default -> throw new IllegalArgumentException("unknown time format " + format);
        };
    }

    private String credentialField(String name) {
        int dot = name.indexOf('.');
        Credential c = credentials.get(dot < 0 ? "main" : name.substring(0, dot));
        if (c == null) {
            return null;
        }
        return switch (dot < 0 ? name : name.substring(dot + 1)) {
            case "apiSecret" -> c.secret();
            case "apiSecretSha1" -> NsCredentials.hex("SHA-1", c.secret());
            case "apiSecretSha512" -> NsCredentials.hex("SHA-512", c.secret());
            case "token" -> c.token();
            case "tokenSha1" -> NsCredentials.hex("SHA-1", c.token());
            case "site" -> c.site();
            default -> null;
        };
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
