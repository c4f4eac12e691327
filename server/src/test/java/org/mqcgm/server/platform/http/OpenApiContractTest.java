package org.mqcgm.server.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.accounts.AccountsFeature;
import org.mqcgm.server.glucose.GlucoseFeature;
import org.mqcgm.server.health.HealthRoutes;
import org.mqcgm.server.privacy.PrivacyFeature;
import org.mqcgm.server.reports.ReportsFeature;
import org.mqcgm.server.testing.TestApp;

/**
 * The OpenAPI document cannot drift from the API: every JSON answer of the API is a record that a feature
 * registers under the name of its component schema in {@code openapi.json}; the schema's properties are exactly the
 * record's JSON properties (as the server's own mapper writes them), nested records are {@code $ref}s to their own
 * registered schemas, and every API route's JSON request body and success answer refer to registered schemas.
 * (Request bodies are read as trees for per-field errors; their records give the accepted field names.)
 */
class OpenApiContractTest {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final String REF = "#/components/schemas/";

    /** Every feature's registry of API records, by component schema name. */
    static Map<String, Class<?>> registry() {
        Map<String, Class<?>> all = new LinkedHashMap<>();
        for (Map<String, Class<?>> feature : List.of(AccountsFeature.API_SCHEMAS, GlucoseFeature.API_SCHEMAS,
                ReportsFeature.API_SCHEMAS, PrivacyFeature.API_SCHEMAS, HealthRoutes.API_SCHEMAS,
                org.mqcgm.server.transfers.TransfersFeature.API_SCHEMAS,
                org.mqcgm.server.rights.RightsFeature.API_SCHEMAS,
                org.mqcgm.server.cancellation.CancellationFeature.API_SCHEMAS,
                org.mqcgm.server.photos.PhotosFeature.API_SCHEMAS,
                org.mqcgm.server.sharing.SharingFeature.API_SCHEMAS,
                org.mqcgm.server.logbook.LogbookFeature.API_SCHEMAS,
                org.mqcgm.server.clinician.ClinicianFeature.API_SCHEMAS,
                org.mqcgm.server.community.CommunityFeature.API_SCHEMAS,
                org.mqcgm.server.crashes.CrashesFeature.API_SCHEMAS,
                org.mqcgm.server.alerts.AlertsFeature.API_SCHEMAS,
                org.mqcgm.server.push.PushFeature.API_SCHEMAS,
                org.mqcgm.server.support.SupportFeature.API_SCHEMAS,
                org.mqcgm.server.nightscout.NightscoutFeature.API_SCHEMAS,
                org.mqcgm.server.imports.ImportsFeature.API_SCHEMAS,
                org.mqcgm.server.incidents.IncidentsFeature.API_SCHEMAS,
                org.mqcgm.server.egress.EgressFeature.API_SCHEMAS,
                org.mqcgm.server.disclosures.DisclosuresFeature.API_SCHEMAS,
                org.mqcgm.server.requests.RequestsFeature.API_SCHEMAS)) {
            feature.forEach((name, type) -> assertThat(all.put(name, type))
                    .as("schema name %s registered twice", name).isNull());
        }
        return all;
    }

    static JsonNode openApi() throws IOException {
        try (InputStream in = OpenApiContractTest.class.getResourceAsStream("/openapi.json")) {
            return MAPPER.readTree(in);
        }
    }

    @Test
    void everyApiRecordHasExactlyTheFieldsOfItsSchema() throws IOException {
        JsonNode doc = openApi();
        Map<String, Class<?>> registry = registry();
        assertThat(registry).isNotEmpty();
        Set<String> problems = new LinkedHashSet<>(); // a nested schema is reached from several records
        registry.forEach((name, type) -> {
            assertThat(type.isRecord()).as("%s is a record", type).isTrue();
            problems.addAll(mismatches(doc, registry, name, type));
        });
        assertThat(problems).isEmpty();
    }

    /** The comparison itself finds a field on either side only, a missing nested reference and a bad required. */
    @Test
    void theComparisonFindsEveryKindOfDrift() throws IOException {
        JsonNode doc = MAPPER.readTree("""
                {"components": {"schemas": {
                  "Outer": {"type": "object", "required": ["name", "missing"], "properties": {
                    "name": {"type": "string"}, "gone": {"type": "string"},
                    "inner": {"$ref": "#/components/schemas/Inner"},
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Inner"}},
                    "count": {"type": "string"}}},
                  "Inner": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}
                }}}""");
        Map<String, Class<?>> registry = Map.of("Outer", Outer.class, "Inner", Inner.class);
        assertThat(mismatches(doc, registry, "Outer", Outer.class)).containsExactlyInAnyOrder(
                "Outer.added: in the record, not in the schema",
                "Outer.gone: in the schema, not in the record",
                "Outer.required: missing is not a property",
                "Outer.count: the record writes integer, the schema says [string]",
                "Inner.c: in the record, not in the schema",
                "Inner.b: in the schema, not in the record");
        // A matching pair has no finding.
        JsonNode good = MAPPER.readTree("""
                {"components": {"schemas": {
                  "Inner": {"type": "object", "required": ["a"], "properties": {
                    "a": {"type": "integer"}, "c": {"type": ["string", "null"]}}}}}}""");
        assertThat(mismatches(good, Map.of("Inner", Inner.class), "Inner", Inner.class)).isEmpty();
        // A nested record must be a $ref to its registered schema.
        JsonNode inline = MAPPER.readTree("""
                {"components": {"schemas": {
                  "Holder": {"type": "object", "properties": {"inner": {"type": "object"}}}}}}""");
        assertThat(mismatches(inline, Map.of("Holder", Holder.class), "Holder", Holder.class))
                .containsExactly("Holder.inner: a record, so it must be a $ref to a registered schema");
        assertThat(mismatches(inline, Map.of(), "Missing", Holder.class))
                .containsExactly("Missing: no component schema");
        // A nullable reference is a oneOf of the $ref and null; a field the record may leave out is not required.
        JsonNode nullable = MAPPER.readTree("""
                {"components": {"schemas": {
                  "Holder": {"type": "object", "properties": {"inner": {"oneOf": [
                    {"$ref": "#/components/schemas/Inner"}, {"type": "null"}]}}},
                  "Inner": {"type": "object", "properties": {"a": {"type": "integer"}, "c": {"type": "string"}}},
                  "Sparse": {"type": "object", "required": ["a", "b"], "properties": {
                    "a": {"type": "string"}, "b": {"type": "integer"}}}}}}""");
        assertThat(mismatches(nullable, Map.of("Holder", Holder.class, "Inner", Inner.class), "Holder",
                Holder.class)).isEmpty();
        assertThat(mismatches(nullable, Map.of("Sparse", Sparse.class), "Sparse", Sparse.class))
                .containsExactly("Sparse.required: b may be left out by the record");
    }

    record Inner(int a, String c) {
    }

    record Outer(String name, Inner inner, List<Inner> items, String added, int count) {
    }

    record Holder(Inner inner) {
    }

    record Sparse(String a, @JsonInclude(JsonInclude.Include.NON_NULL) Integer b) {
    }

    @Test
    void everyJsonBodyOfTheApiRefersToRegisteredSchemas() throws IOException {
        JsonNode doc = openApi();
        Set<String> registered = registry().keySet();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        try (TestApp app = TestApp.start()) {
            for (Routes.Route route : app.app().routes()) {
                if (!route.path().startsWith("/api/") || route.path().equals("/api/openapi.json")
                        || route.access() instanceof org.mqcgm.server.platform.security.Access.Nightscout) {
                    // The Nightscout API is Nightscout's contract, documented in docs/nightscout.md.
                    continue;
                }
                String where = route.method().name() + " " + route.path();
                JsonNode op = doc.path("paths").path(route.path()).path(route.method().name().toLowerCase());
                if (op.isMissingNode()) {
                    problems.add(where + ": not documented");
                    continue;
                }
                JsonNode request = op.path("requestBody").path("content").path("application/json");
                if (!request.isMissingNode()) {
                    Set<String> refs = new TreeSet<>();
                    refs(request.path("schema"), refs);
                    if (refs.isEmpty()) {
                        problems.add(where + " request: the JSON body refers to no schema");
                    }
                    for (String ref : refs) {
                        if (!registered.contains(ref)) {
                            problems.add(where + " request: " + ref + " is no registered record");
                        }
                    }
                    checked++;
                }
                boolean success = false;
                for (Map.Entry<String, JsonNode> response : op.path("responses").properties()) {
                    if (!response.getKey().startsWith("2")) {
                        continue;
                    }
                    success = true;
                    JsonNode content = response.getValue().path("content");
                    if (response.getKey().equals("204")) {
                        if (!content.isMissingNode()) {
                            problems.add(where + " 204: has content");
                        }
                        continue;
                    }
                    if (content.isMissingNode() || content.isEmpty()) {
                        problems.add(where + " " + response.getKey() + ": no content type and schema");
                        continue;
                    }
                    JsonNode json = content.path("application/json");
                    if (json.isMissingNode()) {
                        continue; // a PDF, a CSV or an event stream
                    }
                    Set<String> refs = new TreeSet<>();
                    refs(json.path("schema"), refs);
                    if (refs.isEmpty()) {
                        problems.add(where + " " + response.getKey() + ": the JSON answer refers to no schema");
                    }
                    for (String ref : refs) {
                        if (!registered.contains(ref)) {
                            problems.add(where + " " + response.getKey() + ": " + ref + " is no registered record");
                        }
                    }
                    checked++;
                }
                if (!success) {
                    problems.add(where + ": no 2xx answer documented");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).isGreaterThan(30);
    }

    private static void refs(JsonNode schema, Set<String> out) {
        if (schema.has("$ref")) {
            out.add(schema.get("$ref").asText().substring(REF.length()));
        }
        schema.forEach(child -> {
            if (child.isContainerNode()) {
                refs(child, out);
            }
        });
    }

    /**
     * What differs between the component schema {@code name} and the JSON properties of {@code type} (and,
     * through {@code $ref}s, of the records it contains); empty when they agree.
     */
    static List<String> mismatches(JsonNode doc, Map<String, Class<?>> registry, String name, Class<?> type) {
        List<String> out = new ArrayList<>();
        compare(doc, registry, name, type, out, new HashSet<>());
        return out;
    }

    private static void compare(JsonNode doc, Map<String, Class<?>> registry, String name, Class<?> type,
                                List<String> out, Set<String> seen) {
        if (!seen.add(name)) {
            return;
        }
        JsonNode schema = doc.path("components").path("schemas").path(name);
        if (schema.isMissingNode()) {
            out.add(name + ": no component schema");
            return;
        }
        BeanDescription description = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(type));
        Map<String, BeanPropertyDefinition> written = new LinkedHashMap<>();
        for (BeanPropertyDefinition p : description.findProperties()) {
            if (p.couldSerialize()) {
                written.put(p.getName(), p);
            }
        }
        Set<String> documented = new LinkedHashSet<>();
        schema.path("properties").fieldNames().forEachRemaining(documented::add);
        for (String field : written.keySet()) {
            if (!documented.contains(field)) {
                out.add(name + "." + field + ": in the record, not in the schema");
            }
        }
        for (String field : documented) {
            if (!written.containsKey(field)) {
                out.add(name + "." + field + ": in the schema, not in the record");
            }
        }
        JsonInclude.Value classInclusion = description.findPropertyInclusion(JsonInclude.Value.empty());
        for (JsonNode required : schema.path("required")) {
            BeanPropertyDefinition p = written.get(required.asText());
            if (!documented.contains(required.asText())) {
                out.add(name + ".required: " + required.asText() + " is not a property");
            } else if (p != null && mayLeaveOut(classInclusion.withOverrides(p.findInclusion()),
                    p.getPrimaryType())) {
                out.add(name + ".required: " + required.asText() + " may be left out by the record");
            }
        }
        for (var p : written.entrySet()) {
            JsonNode property = schema.path("properties").path(p.getKey());
            if (!property.isMissingNode()) {
                compareProperty(doc, registry, name + "." + p.getKey(), p.getValue().getPrimaryType(), property,
                        out, seen);
            }
        }
    }

    /** Whether the mapper may leave the property out (a primitive is never null, so never left out as null). */
    private static boolean mayLeaveOut(JsonInclude.Value inclusion, JavaType type) {
        JsonInclude.Include include = inclusion.getValueInclusion();
        if (include == JsonInclude.Include.ALWAYS || include == JsonInclude.Include.USE_DEFAULTS) {
            return false;
        }
        return !(type.isPrimitive()
                && (include == JsonInclude.Include.NON_NULL || include == JsonInclude.Include.NON_ABSENT));
    }

    /** The schema a property refers to: its {@code $ref}, or the one {@code $ref} of a nullable {@code oneOf}. */
    private static String referenced(JsonNode property) {
        if (property.has("$ref")) {
            return property.get("$ref").asText();
        }
        String found = null;
        for (JsonNode alternative : property.path("oneOf")) {
            if (alternative.has("$ref")) {
                if (found != null) {
                    return null;
                }
                found = alternative.get("$ref").asText();
            } else if (!alternative.path("type").asText().equals("null")) {
                return null;
            }
        }
        return found;
    }

    private static void compareProperty(JsonNode doc, Map<String, Class<?>> registry, String where, JavaType type,
                                        JsonNode property, List<String> out, Set<String> seen) {
        Class<?> raw = type.getRawClass();
        if (raw.isRecord()) {
            String ref = referenced(property);
            String target = ref != null && ref.startsWith(REF) ? ref.substring(REF.length()) : null;
            if (target == null || registry.get(target) != raw) {
                out.add(where + ": a record, so it must be a $ref to a registered schema");
                return;
            }
            compare(doc, registry, target, raw, out, seen);
            return;
        }
        String expected = jsonType(type);
        Set<String> allowed = new TreeSet<>();
        JsonNode declared = property.path("type");
        if (declared.isArray()) {
            declared.forEach(t -> allowed.add(t.asText()));
        } else if (declared.isTextual()) {
            allowed.add(declared.asText());
        }
        if (expected != null && !allowed.contains(expected)
                && !(expected.equals("integer") && allowed.contains("number"))) {
            out.add(where + ": the record writes " + expected + ", the schema says " + allowed);
            return;
        }
        if ("array".equals(expected)) {
            compareProperty(doc, registry, where + "[]", type.getContentType(), property.path("items"), out, seen);
        }
    }

    /** The JSON type the mapper writes for a Java type; null when it cannot be told. */
    private static String jsonType(JavaType type) {
        Class<?> raw = type.getRawClass();
        if (type.isCollectionLikeType() || type.isArrayType()) {
            return "array";
        }
        if (raw == String.class) {
            return "string";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "boolean";
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return "integer";
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
            return "number";
        }
        return null;
    }
}
