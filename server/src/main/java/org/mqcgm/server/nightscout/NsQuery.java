package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A Nightscout query over decrypted documents: the v1 {@code find[...]} syntax (qs-style brackets, Mongo operators)
 * and the v3 {@code field$op=value} syntax, parsed into a small expression tree that is evaluated in memory on
 * Jackson {@link ObjectNode}s. Our stored documents are encrypted per user, so only a time range can be pushed down
 * to SQL: {@link #fromMillis()}/{@link #toMillis()} give a superset of the matching documents' times on the
 * collection's time column; {@link #test} decides the rest.
 *
 * <p>Everything a client can send is bounded: at most {@value #MAX_DEPTH} nested {@code $and}/{@code $or} levels,
 * {@value #MAX_CLAUSES} conditions, {@value #MAX_VALUES} values in all, values of at most {@value #MAX_VALUE_LENGTH}
 * characters, regular expressions of at most {@value #MAX_REGEX_LENGTH} characters evaluated by RE2/J (linear time:
 * no catastrophic backtracking). Anything else (an unknown operator, a malformed key, a bad date) is an
 * {@link NsDocuments.Invalid} with status 400 — never a 5xx.
 *
 * <p>Semantics follow Nightscout/Mongo where clients rely on them, with these deliberate differences:
 * <ul>
 *   <li>Time strings ({@code dateString}, {@code created_at}, {@code startDate}, {@code sysTime} …) are compared as
 *   instants when both the query value and the stored value are ISO-8601 date-times, and as strings otherwise.
 *   Nightscout compares them lexicographically, so Loop's {@code find[dateString][$gte]=…T10:00:00Z} misses a stored
 *   {@code …T10:00:00.000Z} ('.' sorts before 'Z', trap 3.1#3) and offsets other than {@code Z} compare wrongly; we
 *   normalise. Prefixes such as {@code 2026-12-07} are not date-times and still compare as strings, as in
 *   Nightscout.</li>
 *   <li>Numeric coercion uses decimal numbers, not {@code parseInt} (Nightscout turns {@code insulin=0.5} into 0).
 *   A query value that is a number compares numerically with a stored number even on fields Nightscout does not
 *   coerce ({@code find[duration][$gt]=0}); Mongo would compare a string with a number and match nothing.</li>
 *   <li>{@code $exists} takes {@code false}/{@code 0} as false (Mongo would see the string "false" as true).</li>
 *   <li>Repeated plain values ({@code find[type]=sgv&find[type]=mbg}) mean {@code $in}.</li>
 * </ul>
 * Values are expected URL-decoded, with '+' already turned into a space (Javalin's {@code queryParamMap} does, as
 * Node's qs does for Nightscout): {@code find[eventType]=Temporary+Target} arrives as "Temporary Target". An ISO date
 * whose '+' offset became a space ({@code 2026-12-07T10:00:00 01:00}) is repaired, as Nightscout does.
 */
final class NsQuery {

    static final int MAX_DEPTH = 4;
    static final int MAX_CLAUSES = 50;
    static final int MAX_VALUES = 200;
    static final int MAX_VALUE_LENGTH = 1024;
    static final int MAX_REGEX_LENGTH = 256;
    /** v3 {@code limit}: the default and the maximum (API3_MAX_LIMIT). */
    static final int V3_MAX_LIMIT = 1000;
    /** Margin of the pushdown of an entry's {@code dateString}/{@code sysTime} onto its {@code date} column. */
    static final long STRING_TIME_MARGIN_MS = 24L * 3600 * 1000;

    private static final Set<String> V3_RESERVED = Set.of("token", "sort", "sort$desc", "limit", "skip", "fields",
            "now");
    /** A v1 regex value: {@code /pattern/} with optional flags i, m, s (Nightscout's parseRegEx). */
    private static final java.util.regex.Pattern REGEX_LITERAL = java.util.regex.Pattern.compile(
            "/(.+)/([ims]{0,3})", java.util.regex.Pattern.DOTALL);
    private static final Set<String> V3_MS_FIELDS = Set.of("date", "srvModified", "srvCreated");
    private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile(
            "[A-Za-z0-9_@][A-Za-z0-9_.@-]{0,63}");

    /** The Nightscout collections, with the time field each is ordered by and pushed down on. */
    enum Collection {
        ENTRIES("entries", "date", Set.of("date"), Set.of("dateString", "sysTime"),
                Set.of("date", "sgv", "filtered", "unfiltered", "rssi", "noise", "mbg")),
        TREATMENTS("treatments", "created_at", Set.of("created_at", "date"), Set.of(),
                Set.of("insulin", "carbs", "glucose")),
        DEVICESTATUS("devicestatus", "created_at", Set.of("created_at", "date"), Set.of(), Set.of()),
        PROFILE("profile", "startDate", Set.of("startDate"), Set.of(), Set.of()),
        FOOD("food", "created_at", Set.of("created_at", "date"), Set.of(), Set.of()),
        SETTINGS("settings", "created_at", Set.of("created_at", "date"), Set.of(), Set.of());

        final String path;
        /** The v1 time field: sort key and the stored time column. */
        final String timeField;
        /** Fields whose bounds are exactly bounds on the time column. */
        final Set<String> exactTimeFields;
        /** Fields whose bounds are bounds on the time column within {@link #STRING_TIME_MARGIN_MS}. */
        final Set<String> nearTimeFields;
        /** v1 fields whose values are coerced to numbers (Nightscout's walker). */
        final Set<String> numericFields;

        Collection(String path, String timeField, Set<String> exact, Set<String> near, Set<String> numeric) {
            this.path = path;
            this.timeField = timeField;
            this.exactTimeFields = exact;
            this.nearTimeFields = near;
            this.numericFields = numeric;
        }

        /** The collection of a URL path segment ({@code entries}, {@code treatments}, …). */
        static Optional<Collection> of(String path) {
            for (Collection c : values()) {
                if (c.path.equals(path)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }

        /** Whether a filter on this field keeps v1's implicit 4-day window away (Nightscout's rule). */
        boolean isTimeFilterField(String field) {
            return field.equals("_id") || field.equals(timeField)
                    || (this == ENTRIES && field.equals("dateString"));
        }
    }

    enum Op { EQ, NE, GT, GTE, LT, LTE, IN, NIN, EXISTS, REGEX }

    private final Collection collection;
    private final Node root;
    private final Comparator<JsonNode> order;
    private final int limit;
    private final int skip;
    private final List<String> fields;
    private final String sortField;
    private final boolean descending;

    private NsQuery(Collection collection, Node root, Comparator<JsonNode> order, int limit, int skip,
                    List<String> fields, String sortField, boolean descending) {
        this.collection = collection;
        this.root = root;
        this.order = order;
        this.limit = limit;
        this.skip = skip;
        this.fields = fields;
        this.sortField = sortField;
        this.descending = descending;
    }

    // ---------------------------------------------------------------- construction

    /** The query matching every document of a collection (v1 order). */
    static NsQuery all(Collection collection) {
        return new NsQuery(collection, new And(List.of()), v1Order(collection), V3_MAX_LIMIT, 0, List.of(), null,
                true);
    }

    /**
     * Parses the v1 {@code find[...]} parameters of a query string (other parameters such as {@code count},
     * {@code token}, {@code rr} are ignored). Ordered as Nightscout v1 orders the collection (time field desc).
     *
     * @throws NsDocuments.Invalid (400) for unknown operators, malformed keys, bad values, or a query beyond bounds
     */
    static NsQuery v1(Collection collection, Map<String, List<String>> params) {
        Tree tree = new Tree();
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("find[") && !key.equals("find")) {
                continue;
            }
            List<String> path = brackets(key);
            Tree at = tree;
            for (String segment : path) {
                at = at.child(segment);
            }
            at.values.addAll(e.getValue());
        }
        Budget budget = new Budget();
        Node root = tree.children.isEmpty() && tree.values.isEmpty()
                ? new And(List.of()) : document(collection, tree, 0, budget);
        return new NsQuery(collection, root, v1Order(collection), V3_MAX_LIMIT, 0, List.of(), null, true);
    }

    /**
     * Parses v3 search parameters: {@code <field>$<op>=value} filters (ops eq ne gt gte lt lte in nin re; a plain
     * {@code field=value} is eq; in/nin values separated by '|'), {@code sort}/{@code sort$desc}, {@code limit}
     * (default and maximum {@value #V3_MAX_LIMIT}), {@code skip}, {@code fields}; {@code token}, {@code now} ignored.
     * {@code date}, {@code srvModified}, {@code srvCreated} values are epoch ms or ISO-8601.
     *
     * @throws NsDocuments.Invalid (400) for an unknown operator, a bad limit/skip/sort, or a query beyond bounds
     */
    static NsQuery v3(Collection collection, Map<String, List<String>> params) {
        Budget budget = new Budget();
        List<Node> clauses = new ArrayList<>();
        int limit = V3_MAX_LIMIT;
        int skip = 0;
        List<String> fields = List.of();
        String sortField = null;
        boolean desc = false;
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            String key = e.getKey();
            String value = e.getValue().isEmpty() ? "" : e.getValue().get(e.getValue().size() - 1);
            switch (key) {
                case "token", "now" -> {
                }
                case "limit" -> limit = integer("limit", value, 1, V3_MAX_LIMIT);
                case "skip" -> skip = integer("skip", value, 0, Integer.MAX_VALUE);
                case "fields" -> fields = value.isBlank() || value.equals("_all") ? List.of()
                        : List.of(value.split(","));
                case "sort", "sort$desc" -> {
                    if (sortField != null) {
                        throw bad("Only one of sort and sort$desc may be given");
                    }
                    sortField = field(value);
                    desc = key.equals("sort$desc");
                }
                default -> {
                    int dollar = key.indexOf('$');
                    String field = field(dollar < 0 ? key : key.substring(0, dollar));
                    String opName = dollar < 0 ? "eq" : key.substring(dollar + 1);
                    Op op = switch (opName) {
                        case "eq" -> Op.EQ;
                        case "ne" -> Op.NE;
                        case "gt" -> Op.GT;
                        case "gte" -> Op.GTE;
                        case "lt" -> Op.LT;
                        case "lte" -> Op.LTE;
                        case "in" -> Op.IN;
                        case "nin" -> Op.NIN;
                        case "re" -> Op.REGEX;
                        default -> throw bad("Unsupported filter operator " + opName);
                    };
                    for (String v : e.getValue()) {
                        List<String> raw = op == Op.IN || op == Op.NIN ? List.of(v.split("\\|", -1)) : List.of(v);
                        clauses.add(condition(field, op, raw.stream()
                                .map(r -> op == Op.REGEX ? Value.regex(r) : v3Value(field, r)).toList(), budget));
                    }
                }
            }
        }
        Comparator<JsonNode> order = sortField == null ? v1Order(collection) : v3Order(sortField, desc);
        return new NsQuery(collection, new And(clauses), order, limit, skip, fields, sortField,
                sortField == null || desc);
    }

    /** This query and also {@code field == value} (e.g. {@code /entries/sgv.json} adds {@code type = sgv}). */
    NsQuery andEquals(String field, String value) {
        Node extra = new Cond(field, Op.EQ, List.of(Value.plain(value)));
        return new NsQuery(collection, new And(List.of(root, extra)), order, limit, skip, fields, sortField,
                descending);
    }

    /**
     * This query restricted to documents whose time (on the collection's time field, see {@link #timeOf}) is at or
     * after {@code fromMillis}: v1's implicit window ({@code now − 4 days} when {@link #hasTimeFilter()} is false).
     * Pushed down like any time bound; does not count as a time filter.
     */
    NsQuery notBefore(long fromMillis) {
        Node extra = new TimeFloor(fromMillis, collection);
        return new NsQuery(collection, new And(List.of(root, extra)), order, limit, skip, fields, sortField,
                descending);
    }

    /**
     * The v3 {@code sort}/{@code sort$desc} field; null for the default order (the collection's time field
     * descending, as in v1).
     */
    String sortField() {
        return sortField;
    }

    /** Whether the order is descending (always for v1). */
    boolean descending() {
        return descending;
    }

    // ---------------------------------------------------------------- use

    Collection collection() {
        return collection;
    }

    /** Whether the document matches. */
    boolean test(ObjectNode doc) {
        return root.test(doc);
    }

    /**
     * Whether {@link #test}, given a document whose time field ({@link Collection#timeField}) is a number, looks at
     * no field but these: then a document holding only them, with the same values, matches exactly when the whole
     * document does (the implicit window reads the time field; only without a numeric one would it look further).
     */
    boolean looksOnlyAt(Set<String> names) {
        return root.looksOnlyAt(names);
    }

    /** Lower bound (inclusive, epoch ms) on the collection's time column of every matching document, if any. */
    OptionalLong fromMillis() {
        long lo = root.bounds(collection)[0];
        return lo == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(lo);
    }

    /** Upper bound (inclusive, epoch ms) on the collection's time column of every matching document, if any. */
    OptionalLong toMillis() {
        long hi = root.bounds(collection)[1];
        return hi == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(hi);
    }

    /**
     * Whether the query names the collection's time field or {@code _id} anywhere (entries: {@code date} or
     * {@code dateString}; treatments, devicestatus: {@code created_at}; profile: {@code startDate}). Nightscout v1
     * adds its implicit 4-day window when this is false; it looks only at the top level, we look everywhere (a
     * client that names a time inside {@code $or} meant that time).
     */
    boolean hasTimeFilter() {
        return root.namesTime(collection);
    }

    /**
     * The values {@code type} must equal, when the query requires one of a finite set ({@code find[type]=sgv},
     * {@code $in}, {@code $and} of them); empty when types are not restricted that way (e.g. {@code $ne}).
     */
    Optional<Set<String>> types() {
        return Optional.ofNullable(root.types());
    }

    /**
     * Whether a document of this {@code type} can match, judging only the conditions on {@code type} (a superset:
     * false means no document of that type matches, so e.g. sgv readings need not be read for
     * {@code find[type][$ne]=sgv} or {@code find[type]=mbg}).
     */
    boolean mayMatchType(String type) {
        return root.mayMatchType(type);
    }

    /** The order of results: v1 = the time field descending; v3 = {@code sort}/{@code sort$desc} with tie-breakers. */
    Comparator<JsonNode> order() {
        return order;
    }

    /** v3 {@code limit} (default and max {@value #V3_MAX_LIMIT}). */
    int limit() {
        return limit;
    }

    /** v3 {@code skip}. */
    int skip() {
        return skip;
    }

    /** The v3 {@code fields} projection of a document (all fields when none were asked for). */
    ObjectNode project(ObjectNode doc) {
        if (fields.isEmpty()) {
            return doc;
        }
        ObjectNode out = doc.objectNode();
        for (String f : fields) {
            JsonNode v = doc.get(f.trim());
            if (v != null) {
                out.set(f.trim(), v);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- v1 parsing

    /** A qs-style tree of the find parameters. */
    private static final class Tree {
        final Map<String, Tree> children = new LinkedHashMap<>();
        final List<String> values = new ArrayList<>();

        Tree child(String name) {
            if (children.size() >= MAX_CLAUSES * 2 && !children.containsKey(name)) {
                throw bad("Too many clauses in find");
            }
            return children.computeIfAbsent(name, k -> new Tree());
        }

        /** The elements of an array-like node: its own values, then "" and numeric keys in index order. */
        List<Tree> elements() {
            List<Tree> out = new ArrayList<>();
            for (String v : values) {
                Tree leaf = new Tree();
                leaf.values.add(v);
                out.add(leaf);
            }
            children.entrySet().stream()
                    .sorted(Comparator.comparingLong(e -> e.getKey().isEmpty() ? -1 : Long.parseLong(e.getKey())))
                    .forEach(e -> {
                        if (e.getKey().isEmpty()) {
                            for (String v : e.getValue().values) {
                                Tree leaf = new Tree();
                                leaf.values.add(v);
                                out.add(leaf);
                            }
                            if (!e.getValue().children.isEmpty()) {
                                out.add(e.getValue());
                            }
                        } else {
                            out.add(e.getValue());
                        }
                    });
            return out;
        }

        boolean arrayLike() {
            return children.keySet().stream().allMatch(k -> k.isEmpty() || k.matches("\\d{1,4}"));
        }
    }

    /** The bracket segments of {@code find[a][b][]}: [a, b, ""]. */
    private static List<String> brackets(String key) {
        List<String> out = new ArrayList<>();
        int i = "find".length();
        if (i == key.length()) {
            throw bad("find needs a field: find[field]=value");
        }
        while (i < key.length()) {
            if (key.charAt(i) != '[') {
                throw bad("Malformed find parameter " + shorten(key));
            }
            int close = key.indexOf(']', i);
            if (close < 0) {
                throw bad("Malformed find parameter " + shorten(key));
            }
            String segment = key.substring(i + 1, close);
            if (segment.indexOf('[') >= 0) {
                throw bad("Malformed find parameter " + shorten(key));
            }
            out.add(segment);
            if (out.size() > 2 * MAX_DEPTH + 4) {
                throw bad("find is nested too deeply (at most " + MAX_DEPTH + " levels of $and/$or)");
            }
            i = close + 1;
        }
        return out;
    }

    /** A query document (implicit AND of its keys). */
    private static Node document(Collection c, Tree doc, int depth, Budget budget) {
        if (!doc.values.isEmpty()) {
            throw bad("find needs a field: find[field]=value");
        }
        List<Node> all = new ArrayList<>();
        for (Map.Entry<String, Tree> e : doc.children.entrySet()) {
            String key = e.getKey();
            Tree value = e.getValue();
            if (key.equals("$and") || key.equals("$or")) {
                if (depth + 1 > MAX_DEPTH) {
                    throw bad("find is nested too deeply (at most " + MAX_DEPTH + " levels of $and/$or)");
                }
                if (!value.arrayLike() || !value.values.isEmpty()) {
                    throw bad(key + " needs an array of conditions: find[" + key + "][0][field]=value");
                }
                List<Node> parts = new ArrayList<>();
                for (Tree element : value.elements()) {
                    parts.add(document(c, element, depth + 1, budget));
                }
                if (parts.isEmpty()) {
                    throw bad(key + " needs at least one condition");
                }
                all.add(key.equals("$and") ? new And(parts) : new Or(parts));
            } else if (key.startsWith("$")) {
                throw bad("Unsupported query operator " + shorten(key));
            } else {
                all.add(fieldClauses(c, field(key), value, budget));
            }
        }
        return all.size() == 1 ? all.get(0) : new And(all);
    }

    private static Node fieldClauses(Collection c, String field, Tree spec, Budget budget) {
        List<Node> all = new ArrayList<>();
        if (!spec.values.isEmpty()) {
            List<Value> vs = spec.values.stream().map(v -> v1Value(c, field, v, true)).toList();
            all.add(condition(field, vs.size() == 1 ? Op.EQ : Op.IN, vs, budget));
        }
        for (Map.Entry<String, Tree> e : spec.children.entrySet()) {
            Tree t = e.getValue();
            String name = e.getKey();
            Op op = switch (name) {
                case "$eq" -> Op.EQ;
                case "$ne" -> Op.NE;
                case "$gt" -> Op.GT;
                case "$gte" -> Op.GTE;
                case "$lt" -> Op.LT;
                case "$lte" -> Op.LTE;
                case "$in" -> Op.IN;
                case "$nin" -> Op.NIN;
                case "$exists" -> Op.EXISTS;
                case "$regex" -> Op.REGEX;
                default -> throw bad("Unsupported query operator " + shorten(name) + " on " + field);
            };
            if (op == Op.IN || op == Op.NIN) {
                if (!t.arrayLike()) {
                    throw bad(name + " on " + field + " needs a list of values");
                }
                List<Value> vs = new ArrayList<>();
                for (Tree element : t.elements()) {
                    if (!element.children.isEmpty() || element.values.size() != 1) {
                        throw bad(name + " on " + field + " needs a list of values");
                    }
                    vs.add(v1Value(c, field, element.values.get(0), false));
                }
                all.add(condition(field, op, vs, budget));
            } else {
                if (!t.children.isEmpty() || t.values.size() != 1) {
                    throw bad(name + " on " + field + " needs one value");
                }
                String raw = t.values.get(0);
                Value v = switch (op) {
                    case EXISTS -> Value.plain(raw);
                    case REGEX -> Value.regex(raw);
                    default -> v1Value(c, field, raw, op == Op.EQ || op == Op.NE);
                };
                all.add(condition(field, op, List.of(v), budget));
            }
        }
        if (all.isEmpty()) {
            throw bad("find[" + field + "] needs a value or an operator");
        }
        return all.size() == 1 ? all.get(0) : new And(all);
    }

    private static Node condition(String field, Op op, List<Value> values, Budget budget) {
        budget.clauses++;
        budget.values += values.size();
        if (budget.clauses > MAX_CLAUSES) {
            throw bad("Too many conditions in the query (at most " + MAX_CLAUSES + ")");
        }
        if (budget.values > MAX_VALUES) {
            throw bad("Too many values in the query (at most " + MAX_VALUES + ")");
        }
        if (op == Op.EXISTS) {
            String v = values.get(0).raw.trim().toLowerCase(Locale.ROOT);
            return new Exists(field, !(v.equals("false") || v.equals("0") || v.isEmpty()));
        }
        return new Cond(field, op, values);
    }

    /** A v1 value: numbers for coerced fields, ISO dates for an entry's {@code date}, regex /…/ for equality. */
    private static Value v1Value(Collection c, String field, String raw, boolean regexAllowed) {
        checkLength(raw);
        if (c.numericFields.contains(field)) {
            Double n = asNumber(raw);
            if (n == null && c == Collection.ENTRIES && field.equals("date")) {
                OptionalLong t = parseInstant(raw);
                if (t.isEmpty()) {
                    throw bad("find[date] must be epoch milliseconds or an ISO-8601 date");
                }
                n = (double) t.getAsLong();
            }
            return new Value(raw, n, null, null, true);
        }
        java.util.regex.Matcher re = REGEX_LITERAL.matcher(raw);
        if (regexAllowed && re.matches()) {
            return Value.regex(re.group(1), re.group(2));
        }
        return Value.plain(raw); // e.g. "/api/v1" is a string, not a regex with flags "v1"
    }

    private static Value v3Value(String field, String value) {
        checkLength(value);
        // Nightscout unwraps a value in single quotes ('123' stays the string 123)
        String raw = value.length() >= 2 && value.startsWith("'") && value.endsWith("'")
                ? value.substring(1, value.length() - 1) : value;
        if (V3_MS_FIELDS.contains(field)) {
            Double n = asNumber(raw);
            if (n != null && n < NsDocuments.MIN_V3_DATE && n * 1000 >= NsDocuments.MIN_V3_DATE) {
                n = n * 1000; // epoch seconds, as Nightscout's parseToMoment reads them
            }
            if (n == null) {
                OptionalLong t = parseInstant(raw);
                if (t.isEmpty()) {
                    throw bad("Bad value of " + field + ": epoch milliseconds or an ISO-8601 date");
                }
                n = (double) t.getAsLong();
            }
            return new Value(raw, n, null, null, true);
        }
        return Value.plain(raw);
    }

    // ---------------------------------------------------------------- expression tree

    private static final class Budget {
        int clauses;
        int values;
    }

    private sealed interface Node permits And, Or, Cond, Exists, TimeFloor {
        boolean test(JsonNode doc);

        /** [lo, hi] on the time column, Long.MIN/MAX when unbounded. */
        long[] bounds(Collection c);

        boolean namesTime(Collection c);

        /** The finite set of types required, or null. */
        Set<String> types();

        boolean mayMatchType(String type);

        /** Whether {@link #test} reads no field but these. */
        boolean looksOnlyAt(Set<String> names);
    }

    private record And(List<Node> parts) implements Node {
        public boolean test(JsonNode doc) {
            for (Node p : parts) {
                if (!p.test(doc)) {
                    return false;
                }
            }
            return true;
        }

        public long[] bounds(Collection c) {
            long lo = Long.MIN_VALUE;
            long hi = Long.MAX_VALUE;
            for (Node p : parts) {
                long[] b = p.bounds(c);
                lo = Math.max(lo, b[0]);
                hi = Math.min(hi, b[1]);
            }
            return new long[] {lo, hi};
        }

        public boolean namesTime(Collection c) {
            return parts.stream().anyMatch(p -> p.namesTime(c));
        }

        public Set<String> types() {
            Set<String> out = null;
            for (Node p : parts) {
                Set<String> t = p.types();
                if (t != null) {
                    if (out == null) {
                        out = new LinkedHashSet<>(t);
                    } else {
                        out.retainAll(t);
                    }
                }
            }
            return out;
        }

        public boolean mayMatchType(String type) {
            return parts.stream().allMatch(p -> p.mayMatchType(type));
        }

        public boolean looksOnlyAt(Set<String> names) {
            return parts.stream().allMatch(p -> p.looksOnlyAt(names));
        }
    }

    private record Or(List<Node> parts) implements Node {
        public boolean test(JsonNode doc) {
            for (Node p : parts) {
                if (p.test(doc)) {
                    return true;
                }
            }
            return false;
        }

        public long[] bounds(Collection c) {
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (Node p : parts) {
                long[] b = p.bounds(c);
                lo = Math.min(lo, b[0]);
                hi = Math.max(hi, b[1]);
            }
            return new long[] {lo, hi};
        }

        public boolean namesTime(Collection c) {
            return parts.stream().anyMatch(p -> p.namesTime(c));
        }

        public Set<String> types() {
            Set<String> out = new LinkedHashSet<>();
            for (Node p : parts) {
                Set<String> t = p.types();
                if (t == null) {
                    return null;
                }
                out.addAll(t);
            }
            return out;
        }

        public boolean mayMatchType(String type) {
            return parts.stream().anyMatch(p -> p.mayMatchType(type));
        }

        public boolean looksOnlyAt(Set<String> names) {
            return parts.stream().allMatch(p -> p.looksOnlyAt(names));
        }
    }

    private record TimeFloor(long from, Collection of) implements Node {
        public boolean test(JsonNode doc) {
            return timeOf(of, doc) >= from;
        }

        public long[] bounds(Collection c) {
            return new long[] {from, Long.MAX_VALUE};
        }

        public boolean namesTime(Collection c) {
            return false;
        }

        public Set<String> types() {
            return null;
        }

        public boolean mayMatchType(String type) {
            return true;
        }

        public boolean looksOnlyAt(Set<String> names) {
            // timeOf reads the time field (and only when it is no number, a second one)
            return names.contains(of.timeField);
        }
    }

    private record Exists(String field, boolean wanted) implements Node {
        public boolean test(JsonNode doc) {
            JsonNode v = at(doc, field);
            return (v != null && !v.isMissingNode()) == wanted;
        }

        public long[] bounds(Collection c) {
            return new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
        }

        public boolean namesTime(Collection c) {
            return c.isTimeFilterField(field);
        }

        public Set<String> types() {
            return null;
        }

        public boolean mayMatchType(String type) {
            return !field.equals("type") || wanted;
        }

        public boolean looksOnlyAt(Set<String> names) {
            return names.contains(field);
        }
    }

    private record Cond(String field, Op op, List<Value> values) implements Node {
        public boolean test(JsonNode doc) {
            JsonNode v = at(doc, field);
            boolean any = anyEquals(v);
            return switch (op) {
                case EQ, IN, REGEX -> any;
                case NE, NIN -> !any;
                case GT, GTE, LT, LTE -> ranged(v);
                case EXISTS -> throw new IllegalStateException();
            };
        }

        private boolean anyEquals(JsonNode v) {
            if (v == null || v.isMissingNode()) {
                return false;
            }
            if (v.isArray()) {
                for (JsonNode e : v) {
                    if (anyEquals(e)) {
                        return true;
                    }
                }
                return false;
            }
            for (Value q : values) {
                if (q.matches(v)) {
                    return true;
                }
            }
            return false;
        }

        private boolean ranged(JsonNode v) {
            if (v == null || v.isMissingNode()) {
                return false;
            }
            if (v.isArray()) {
                for (JsonNode e : v) {
                    if (ranged(e)) {
                        return true;
                    }
                }
                return false;
            }
            Integer cmp = values.get(0).compare(v);
            if (cmp == null) {
                return false;
            }
            return switch (op) {
                case GT -> cmp > 0;
                case GTE -> cmp >= 0;
                case LT -> cmp < 0;
                default -> cmp <= 0;
            };
        }

        public long[] bounds(Collection c) {
            long[] none = {Long.MIN_VALUE, Long.MAX_VALUE};
            long margin;
            if (c.exactTimeFields.contains(field)) {
                margin = 0;
            } else if (c.nearTimeFields.contains(field)) {
                margin = STRING_TIME_MARGIN_MS;
            } else {
                return none;
            }
            if (op == Op.NE || op == Op.NIN || op == Op.REGEX) {
                return none;
            }
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (Value q : values) {
                OptionalLong t = q.millis();
                if (t.isEmpty()) {
                    return none; // compared as a string: no safe bound
                }
                lo = Math.min(lo, t.getAsLong());
                hi = Math.max(hi, t.getAsLong());
            }
            lo = lo - margin;
            hi = hi + margin;
            return switch (op) {
                case EQ, IN -> new long[] {lo, hi};
                case GT, GTE -> new long[] {lo, Long.MAX_VALUE};
                default -> new long[] {Long.MIN_VALUE, hi};
            };
        }

        public boolean namesTime(Collection c) {
            return c.isTimeFilterField(field);
        }

        public Set<String> types() {
            if (!field.equals("type") || !(op == Op.EQ || op == Op.IN)) {
                return null;
            }
            Set<String> out = new LinkedHashSet<>();
            for (Value v : values) {
                if (v.regex != null) {
                    return null;
                }
                out.add(v.raw);
            }
            return out;
        }

        public boolean mayMatchType(String type) {
            if (!field.equals("type")) {
                return true;
            }
            ObjectNode probe = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            probe.put("type", type);
            return test(probe);
        }

        public boolean looksOnlyAt(Set<String> names) {
            return names.contains(field);
        }
    }

    /** A query value with its readings: number, instant, regex. */
    private record Value(String raw, Double number, Long instant, Pattern regex, boolean numericField) {

        static Value plain(String raw) {
            checkLength(raw);
            OptionalLong t = looksLikeDateTime(raw) ? parseInstant(raw) : OptionalLong.empty();
            return new Value(raw, asNumber(raw), t.isPresent() ? t.getAsLong() : null, null, false);
        }

        static Value regex(String pattern) {
            return regex(pattern, "");
        }

        static Value regex(String pattern, String flags) {
            if (pattern.length() > MAX_REGEX_LENGTH) {
                throw bad("Regular expression too long (at most " + MAX_REGEX_LENGTH + " characters)");
            }
            int f = 0;
            for (char ch : flags.toCharArray()) {
                f |= switch (ch) {
                    case 'i' -> Pattern.CASE_INSENSITIVE;
                    case 'm' -> Pattern.MULTILINE;
                    case 's' -> Pattern.DOTALL;
                    default -> throw bad("Unsupported regular expression flag " + ch);
                };
            }
            try {
                return new Value("/" + pattern + "/" + flags, null, null, Pattern.compile(pattern, f), false);
            } catch (PatternSyntaxException e) {
                throw bad("Unsupported regular expression (RE2 syntax, no backreferences or lookaround)");
            }
        }

        OptionalLong millis() {
            if (number != null) {
                return OptionalLong.of(number.longValue());
            }
            return instant != null ? OptionalLong.of(instant) : OptionalLong.empty();
        }

        boolean matches(JsonNode v) {
            if (regex != null) {
                return v.isTextual() && regex.matcher(v.textValue()).find();
            }
            if (v.isBoolean()) {
                return raw.equalsIgnoreCase(Boolean.toString(v.booleanValue()));
            }
            if (v.isNull()) {
                return raw.equals("null");
            }
            Integer c = compare(v);
            return c != null && c == 0;
        }

        /** Sign of (stored − this), or null when the two are not comparable. */
        Integer compare(JsonNode v) {
            if (v.isNumber()) {
                return number == null ? null : Double.compare(v.asDouble(), number);
            }
            if (v.isTextual()) {
                if (numericField) {
                    return null; // Nightscout coerced the query to a number: a stored string never compares
                }
                String s = v.textValue();
                if (instant != null && looksLikeDateTime(s)) {
                    OptionalLong t = parseInstant(s);
                    if (t.isPresent()) {
                        return Long.compare(t.getAsLong(), instant);
                    }
                }
                return Integer.signum(s.compareTo(raw));
            }
            return null;
        }
    }

    private static JsonNode at(JsonNode doc, String path) {
        JsonNode direct = doc.get(path);
        if (direct != null || path.indexOf('.') < 0) {
            return direct;
        }
        JsonNode at = doc;
        for (String part : path.split("\\.")) {
            if (at == null || !at.isObject()) {
                return null;
            }
            at = at.get(part);
        }
        return at;
    }

    // ---------------------------------------------------------------- ordering

    /** v1 order: the collection's time field descending (entries: {@code date}, else {@code dateString}). */
    static Comparator<JsonNode> v1Order(Collection c) {
        Comparator<JsonNode> byTime = Comparator.comparingLong(d -> timeOf(c, d));
        return byTime.reversed().thenComparing(d -> d.path("_id").asText(""), Comparator.reverseOrder());
    }

    /** The time of a document on its collection's time field (epoch ms; Long.MIN_VALUE when it has none). */
    static long timeOf(Collection c, JsonNode doc) {
        long t = millisOf(doc.get(c.timeField));
        if (t == Long.MIN_VALUE && c == Collection.ENTRIES) {
            t = millisOf(doc.get("dateString"));
        }
        if (t == Long.MIN_VALUE && c != Collection.ENTRIES) {
            t = millisOf(doc.get("date"));
        }
        return t;
    }

    private static long millisOf(JsonNode v) {
        if (v == null) {
            return Long.MIN_VALUE;
        }
        if (v.isNumber()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            return parseInstant(v.textValue()).orElse(Long.MIN_VALUE);
        }
        return Long.MIN_VALUE;
    }

    /**
     * v3 order: the field ascending or descending, then identifier, created_at, date in the same direction (as
     * Nightscout's {@code parseSort}). Without sort Nightscout orders by identifier alone (an arbitrary order for
     * UUIDs); we order by the time field descending instead, as v1 does.
     */
    static Comparator<JsonNode> v3Order(String field, boolean desc) {
        Comparator<JsonNode> main = (a, b) -> compareValues(at(a, field), at(b, field));
        for (String tie : List.of("identifier", "created_at", "date")) {
            main = main.thenComparing((a, b) -> compareValues(a.get(tie), b.get(tie)));
        }
        return desc ? main.reversed() : main;
    }

    /** Missing < numbers < strings < others; numbers numerically, ISO date-times as instants, strings as text. */
    private static int compareValues(JsonNode a, JsonNode b) {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
            return Integer.compare(ra, rb);
        }
        if (ra == 1) {
            return Double.compare(a.asDouble(), b.asDouble());
        }
        if (ra == 2) {
            long ta = millisOf(a);
            long tb = millisOf(b);
            if (ta != Long.MIN_VALUE && tb != Long.MIN_VALUE) {
                return Long.compare(ta, tb);
            }
            return a.textValue().compareTo(b.textValue());
        }
        return 0;
    }

    private static int rank(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return 0;
        }
        return v.isNumber() ? 1 : v.isTextual() ? 2 : 3;
    }

    // ---------------------------------------------------------------- dates and helpers

    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);
    private static final java.util.regex.Pattern SPACED_OFFSET = java.util.regex.Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d[T ][\\d:.]+) (\\d\\d(:?\\d\\d)?)$");

    private static boolean looksLikeDateTime(String s) {
        return s.length() >= 16 && s.length() <= 40 && Character.isDigit(s.charAt(0)) && s.charAt(4) == '-'
                && (s.charAt(10) == 'T' || s.charAt(10) == 't' || s.charAt(10) == ' ');
    }

    /**
     * Parses an ISO-8601 date-time as Nightscout clients write it ({@code …Z}, {@code …+01:00}, xDrip's
     * {@code …+0100}, fractions of any length, a space instead of 'T'), keeping its offset; no offset means UTC.
     * With {@code spacedOffset}, an offset whose '+' was decoded to a space (a query string's) is read as one.
     * Empty when it is not such a date-time.
     */
    static Optional<OffsetDateTime> offsetDateTime(String s, boolean spacedOffset) {
        if (s == null || !looksLikeDateTime(s.trim())) {
            return Optional.empty();
        }
        String text = s.trim();
        if (spacedOffset) {
            java.util.regex.Matcher spaced = SPACED_OFFSET.matcher(text);
            if (spaced.matches()) {
                text = spaced.group(1) + "+" + spaced.group(2);
            }
        }
        if (text.charAt(10) == ' ') {
            text = text.substring(0, 10) + 'T' + text.substring(11);
        }
        try {
            var parsed = ISO.parse(text);
            LocalDateTime local = LocalDateTime.from(parsed);
            ZoneOffset offset = parsed.isSupported(ChronoField.OFFSET_SECONDS)
                    ? ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS)) : ZoneOffset.UTC;
            return Optional.of(OffsetDateTime.of(local, offset));
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    /** {@link #offsetDateTime} of a query value or a stored field, as epoch milliseconds. */
    static OptionalLong parseInstant(String s) {
        return offsetDateTime(s, true).map(t -> OptionalLong.of(t.toInstant().toEpochMilli()))
                .orElse(OptionalLong.empty());
    }

    /** The UTC offset in minutes written in an ISO-8601 date-time (0 for Z or none); empty when unparseable. */
    static Optional<Integer> offsetMinutes(String s) {
        return offsetDateTime(s, true).map(t -> t.getOffset().getTotalSeconds() / 60);
    }

    private static Double asNumber(String raw) {
        String s = raw.trim();
        if (s.isEmpty() || s.length() > 40) {
            return null;
        }
        char c0 = s.charAt(0);
        if (!(Character.isDigit(c0) || c0 == '-' || c0 == '.' || c0 == '+')) {
            return null;
        }
        try {
            double d = Double.parseDouble(s);
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int integer(String name, String value, int min, int max) {
        try {
            long v = Long.parseLong(value.trim());
            if (v < min || v > max) {
                throw bad("Parameter " + name + " out of bounds (" + min + ".." + max + ")");
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw bad("Parameter " + name + " must be an integer");
        }
    }

    private static String field(String name) {
        if (!FIELD.matcher(name).matches()) {
            throw bad("Bad field name " + shorten(name));
        }
        return name;
    }

    private static void checkLength(String raw) {
        if (raw.length() > MAX_VALUE_LENGTH) {
            throw bad("Query value too long (at most " + MAX_VALUE_LENGTH + " characters)");
        }
    }

    private static String shorten(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e…]", "?");
    }

    private static NsDocuments.Invalid bad(String message) {
        return new NsDocuments.Invalid(400, message);
    }
}
