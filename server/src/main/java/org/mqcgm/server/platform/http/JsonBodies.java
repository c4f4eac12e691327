package org.mqcgm.server.platform.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;

/**
 * Reads JSON request bodies and turns every way they can be wrong into a 400 problem that names the field and the
 * rule: malformed JSON ({@code json-syntax}), a key given twice ({@code duplicate}), a field the schema does not
 * have ({@code unknown-field}), a missing body ({@code required}) — 400 —, a wrong type, never coerced
 * ({@code type}, 422), and a content type that is not JSON in UTF-8 ({@code content-type}, 415,
 * {@link #isJsonMediaType}). Every JSON body of the API is read here (the Nightscout API excepted: its clients'
 * own reader, {@code NsBodies}, answers in Nightscout's shape).
 */
public final class JsonBodies {

    private final ObjectMapper mapper;

    public JsonBodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Parses the body into {@code type}. */
    public <T> T read(Context ctx, Class<T> type) {
        byte[] body = bodyOf(ctx);
        try {
            return mapper.readValue(body, type);
        } catch (JacksonException e) {
            throw new ProblemException(problemFor(e));
        } catch (java.io.IOException e) {
            throw new ProblemException(Problem.badRequest("The request body could not be read."));
        }
    }

    /** Parses the body as a JSON tree (for per-item validation of batches). */
    public JsonNode readTree(Context ctx) {
        return read(ctx, JsonNode.class);
    }

    /**
     * Parses the body as a JSON object with a closed schema: anything but an object is a 400 {@code type}, a field
     * outside {@code accepted} a 400 {@code unknown-field} (PR-04: what is not asked for is not taken).
     */
    public JsonNode readObject(Context ctx, java.util.Set<String> accepted) {
        JsonNode body = readTree(ctx);
        if (!body.isObject()) {
            throw new ProblemException(Problem.badRequest("The body must be a JSON object.",
                    new Problem.FieldError("$", "type", "must be an object")));
        }
        List<Problem.FieldError> unknown = unknownFields(body, accepted, "$");
        if (!unknown.isEmpty()) {
            throw new ProblemException(Problem.badRequest("The body has fields this endpoint does not accept.",
                    unknown.toArray(Problem.FieldError[]::new)));
        }
        return body;
    }

    /** The fields of {@code object} (found at path {@code at}) outside {@code accepted}, as {@code unknown-field}. */
    public static List<Problem.FieldError> unknownFields(JsonNode object, java.util.Set<String> accepted, String at) {
        List<Problem.FieldError> unknown = new java.util.ArrayList<>();
        for (java.util.Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!accepted.contains(f)) {
                unknown.add(new Problem.FieldError(at + "." + f, "unknown-field", "is not an accepted field"));
            }
        }
        return unknown;
    }

    private static byte[] bodyOf(Context ctx) {
        if (!isJsonMediaType(ctx.contentType())) {
            throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "Send the body as application/json (UTF-8).")
                    .withErrors(List.of(new Problem.FieldError("Content-Type", "content-type",
                            "must be application/json or application/*+json, charset UTF-8 or none"))));
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            throw new ProblemException(Problem.badRequest("The request body is empty.",
                    new Problem.FieldError("$", "required", "a JSON body is required")));
        }
        return body;
    }

    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /**
     * Whether a {@code Content-Type} names JSON, read as a media type (RFC 9110 §8.3.1), not searched for "json":
     * {@code application/json} or a structured {@code application/<name>+json} (problem+json, merge-patch+json),
     * with no parameter but {@code charset}, and that one UTF-8 (JSON is UTF-8, RFC 8259 §8.1). Everything else —
     * {@code text/json}, {@code application/jsonp}, {@code application/x-json-stream}, {@code charset=latin1}, two
     * charsets, a malformed parameter — is refused (415) before the body is read.
     */
    public static boolean isJsonMediaType(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";", -1);
        String essence = parts[0].trim().toLowerCase(Locale.ROOT);
        int slash = essence.indexOf('/');
        if (slash < 0 || !essence.substring(0, slash).equals("application")) {
            return false;
        }
        String subtype = essence.substring(slash + 1);
        if (!TOKEN.matcher(subtype).matches() || !(subtype.equals("json") || subtype.endsWith("+json")
                && subtype.length() > "+json".length())) {
            return false;
        }
        boolean charset = false;
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].trim();
            if (param.isEmpty() && i == parts.length - 1) {
                continue; // a trailing ';' some clients send
            }
            int eq = param.indexOf('=');
            if (eq <= 0 || !param.substring(0, eq).trim().equalsIgnoreCase("charset") || charset) {
                return false;
            }
            String value = param.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (!value.equalsIgnoreCase("utf-8") && !value.equalsIgnoreCase("utf8")) {
                return false;
            }
            charset = true;
        }
        return true;
    }

    static Problem problemFor(JacksonException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return Problem.badRequest("The body has a field this endpoint does not accept: " + u.getPropertyName(),
                    new Problem.FieldError(path(u), "unknown-field", "is not an accepted field"));
        }
        if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
            DatabindException d = (DatabindException) e;
            String expected = d instanceof MismatchedInputException m && m.getTargetType() != null
                    ? describe(m.getTargetType()) : "another type";
            return Problem.validation("A field has the wrong type.", List.of(
                    new Problem.FieldError(path((JsonMappingException) d), "type", "must be " + expected)));
        }
        java.util.regex.Matcher duplicate = e instanceof com.fasterxml.jackson.core.JsonParseException
                ? DUPLICATE.matcher(String.valueOf(e.getOriginalMessage())) : null;
        if (duplicate != null && duplicate.find()) {
            return Problem.badRequest("The body gives a field more than once.",
                    new Problem.FieldError(pathOf(((com.fasterxml.jackson.core.JsonParseException) e).getProcessor(),
                            duplicate.group(1)), "duplicate", "must appear only once"));
        }
        JsonLocation at = e instanceof JsonProcessingException p ? p.getLocation() : null;
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return Problem.badRequest("The body is not valid JSON" + where + ".",
                new Problem.FieldError("$", "json-syntax", "must be well-formed JSON"));
    }

    private static final java.util.regex.Pattern DUPLICATE = java.util.regex.Pattern.compile("^Duplicate field '(.*)'");

    /** The path ({@code $.a[2].b}) of field {@code name} in the object the parser is in. */
    private static String pathOf(com.fasterxml.jackson.core.JsonParser parser, String name) {
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        if (parser != null) {
            // The innermost context is the object holding the duplicate; its own name is the duplicate itself.
            com.fasterxml.jackson.core.JsonStreamContext c = parser.getParsingContext();
            c = c == null ? null : c.getParent();
            for (; c != null && !c.inRoot(); c = c.getParent()) {
                parts.push(c.inArray() ? "[" + c.getCurrentIndex() + "]" : "." + c.getCurrentName());
            }
        }
        return "$" + String.join("", parts) + "." + name;
    }

    private static String describe(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        return "an object";
    }

    /** Jackson's reference path as {@code $.a[2].b}. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder("$");
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
