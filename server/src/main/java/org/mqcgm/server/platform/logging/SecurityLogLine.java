package org.mqcgm.server.platform.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns a security event into its one JSON line, keeping only the allowed fields with values of their shape.
 */
public final class SecurityLogLine {

    static final SecurityLog LOG = new SecurityLog() {
        private final Logger logger = LoggerFactory.getLogger(SecurityLog.LOGGER);

        @Override
        public void event(String kind, Map<String, Object> fields) {
            logger.info(SecurityLogLine.of(Instant.now(), kind, fields, MDC.get("requestId"), MDC.get(ROUTE_MDC)));
            for (java.util.function.Consumer<String> o : OBSERVERS) {
                try {
                    o.accept(kind);
                } catch (RuntimeException e) {
                    logger.warn("a security event observer failed: {}", e.getClass().getSimpleName());
                }
            }
        }
    };

    /** Who is told the kind of every event (the security alerts, {@link SecurityLog#observe}). */
    static final java.util.List<java.util.function.Consumer<String>> OBSERVERS =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The MDC key the route wrapper puts the route template under (read for events raised deep in a feature). */
    public static final String ROUTE_MDC = "route";

    /** Fields holding an account, grant or ticket id: written only when they are a UUID. */
    static final Set<String> IDS = Set.of("principal", "target", "agent", "grant");
    /** Fields holding the client's IP address: written only when it is an IP literal. */
    static final Set<String> ADDRESSES = Set.of("client");
    /** Fields holding a number or a boolean. */
    static final Set<String> NUMBERS = Set.of("status", "count", "approved");
    /**
     * Fields holding a short code: which credential ({@code session}, {@code api-token}, {@code password}…), its id
     * (a token id, a hash prefix), the method and route, the rule and the reason of a refusal, a role, a scope, a
     * factor, an outcome.
     */
    static final Set<String> CODES = Set.of("credential", "credentialId", "method", "route", "rule", "reason", "role",
            "scope", "factor", "outcome");
    /** Every field a line may hold besides {@code time}, {@code kind} and {@code requestId}. */
    public static final Set<String> FIELDS;

    static {
        java.util.HashSet<String> all = new java.util.HashSet<>();
        all.addAll(IDS);
        all.addAll(ADDRESSES);
        all.addAll(NUMBERS);
        all.addAll(CODES);
        FIELDS = Set.copyOf(all);
    }

    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9.-]{0,63}");
    private static final Pattern CODE_CHARS = Pattern.compile("[^A-Za-z0-9 _./:{}()=,+*@-]");
    private static final Pattern EMAIL_LIKE = Pattern.compile("[^\\s@]+@[^\\s@]+");
    private static final Pattern IP = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_CODE = 120;

    private SecurityLogLine() {
    }

    /** The JSON line of an event (no line break). */
    public static String of(Instant time, String kind, Map<String, Object> fields, String requestId, String route) {
        Map<String, Object> kept = new TreeMap<>();
        if (route != null) {
            kept.put("route", code(route));
        }
        if (fields != null) {
            fields.forEach((name, value) -> {
                Object v = value(name, value);
                if (v != null) {
                    kept.put(name, v);
                }
            });
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", time.truncatedTo(ChronoUnit.MILLIS).toString());
            g.writeStringField("kind", kind != null && KIND.matcher(kind).matches() ? kind : "invalid-kind");
            if (requestId != null && requestId.matches("[A-Za-z0-9-]{1,64}")) {
                g.writeStringField("requestId", requestId);
            }
            for (Map.Entry<String, Object> e : kept.entrySet()) {
                if (e.getValue() instanceof Number n) {
                    g.writeNumberField(e.getKey(), n.longValue());
                } else if (e.getValue() instanceof Boolean b) {
                    g.writeBooleanField(e.getKey(), b);
                } else {
                    g.writeStringField(e.getKey(), e.getValue().toString());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The value written for a field, or null when the field is not allowed or the value is not of its shape. */
    static Object value(String name, Object value) {
        if (name == null || value == null || !FIELDS.contains(name)) {
            return null;
        }
        if (IDS.contains(name)) {
            try {
                return UUID.fromString(value.toString()).toString();
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (ADDRESSES.contains(name)) {
            String s = value.toString();
            return IP.matcher(s).matches() ? s : null;
        }
        if (NUMBERS.contains(name)) {
            return value instanceof Number || value instanceof Boolean ? value : null;
        }
        String s = code(value.toString());
        return s.isEmpty() ? null : s;
    }

    /** A short code: e-mail addresses and phone numbers masked, nothing but plain characters, at most 120. */
    static String code(String text) {
        String s = Masking.mask(text);
        s = EMAIL_LIKE.matcher(s).replaceAll("***");
        s = CODE_CHARS.matcher(s).replaceAll("_");
        return s.length() > MAX_CODE ? s.substring(0, MAX_CODE) : s;
    }
}
