package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mqcgm.server.platform.security.AccessControl.NightscoutRefused;

/** A v1 entries query's {@code find[field][$op]} conditions on date, dateString, sgv and type. */
final class EntryFilter {

    private static final Pattern KEY = Pattern.compile("find\\[([A-Za-z_]+)](?:\\[(\\$[a-z]+)])?");

    private final List<Predicate<ObjectNode>> tests = new ArrayList<>();
    private long from = Long.MIN_VALUE;
    private long to = Long.MAX_VALUE;
    private boolean timeFilter;
    private boolean sgv = true;

    static EntryFilter parse(Map<String, List<String>> params, String type) {
        EntryFilter f = new EntryFilter();
        if (type != null) {
            f.sgv = type.equals("sgv");
            f.tests.add(e -> type.equals(e.path("type").asText()));
        }
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            if (!p.getKey().startsWith("find")) {
                continue;
            }
            Matcher m = KEY.matcher(p.getKey());
            if (!m.matches() || p.getValue().isEmpty()) {
                throw new NightscoutRefused(400, "Bad Request", "Unsupported query " + p.getKey());
            }
            f.add(m.group(1), m.group(2) == null ? "$eq" : m.group(2), p.getValue().get(0));
        }
        return f;
    }

    private void add(String field, String op, String value) {
        switch (field) {
            case "date" -> {
                long v = millis(value);
                timeFilter = true;
                switch (op) {
                    case "$gt" -> from = Math.max(from, v + 1);
                    case "$gte" -> from = Math.max(from, v);
                    case "$lt" -> to = Math.min(to, v);
                    case "$lte" -> to = Math.min(to, v + 1);
                    case "$eq" -> {
                        from = Math.max(from, v);
                        to = Math.min(to, v + 1);
                    }
                    default -> throw unsupported(field, op);
                }
                String o = op;
                tests.add(e -> compare(e.path("date").asLong(), v, o));
            }
            case "dateString", "sysTime" -> {
                timeFilter = true;
                String o = op;
                tests.add(e -> compare(e.path(field).asText().compareTo(value), 0, o));
                try {
                    long v = OffsetDateTime.parse(value).toInstant().toEpochMilli();
                    if (op.equals("$gt") || op.equals("$gte")) {
                        from = Math.max(from, v - 1000);
                    } else if (op.equals("$lt") || op.equals("$lte")) {
                        to = Math.min(to, v + 1000);
                    }
                } catch (DateTimeParseException ignored) {
                    // compared as a string only
                }
            }
            case "sgv" -> {
                long v = integer(value);
                String o = op;
                tests.add(e -> compare(e.path("sgv").asLong(), v, o));
            }
            case "type" -> {
                if (op.equals("$eq")) {
                    sgv &= value.equals("sgv");
                    tests.add(e -> value.equals(e.path("type").asText()));
                } else if (op.equals("$ne")) {
                    sgv &= !value.equals("sgv");
                    tests.add(e -> !value.equals(e.path("type").asText()));
                } else {
                    throw unsupported(field, op);
                }
            }
            default -> {
                String o = op;
                tests.add(e -> {
                    JsonNode n = e.get(field);
                    return n != null && compare(n.asText().compareTo(value), 0, o);
                });
            }
        }
    }

    private static boolean compare(long a, long b, String op) {
        return switch (op) {
            case "$gt" -> a > b;
            case "$gte" -> a >= b;
            case "$lt" -> a < b;
            case "$lte" -> a <= b;
            case "$eq" -> a == b;
            case "$ne" -> a != b;
            default -> false;
        };
    }

    private static NightscoutRefused unsupported(String field, String op) {
        return new NightscoutRefused(400, "Bad Request", "Unsupported operator " + op + " on " + field);
    }

    private static long integer(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new NightscoutRefused(400, "Bad Request", "'" + value + "' is not a number");
        }
    }

    private static long millis(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(value.trim().replace(' ', '+')).toEpochMilli();
            } catch (DateTimeParseException ex) {
                try {
                    return OffsetDateTime.parse(value.trim().replace(' ', '+')).toInstant().toEpochMilli();
                } catch (DateTimeParseException ex2) {
                    throw new NightscoutRefused(400, "Bad Request", "'" + value + "' is neither ms nor an ISO date");
                }
            }
        }
    }

    boolean test(ObjectNode e) {
        for (Predicate<ObjectNode> t : tests) {
            if (!t.test(e)) {
                return false;
            }
        }
        return true;
    }

    boolean wantsSgv() {
        return sgv;
    }

    boolean hasTimeFilter() {
        return timeFilter;
    }

    OptionalLong fromMillis() {
        return from == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(Math.max(0, from));
    }

    OptionalLong toMillis() {
        return to == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(to);
    }
}
