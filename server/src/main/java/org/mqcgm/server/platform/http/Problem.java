package org.mqcgm.server.platform.http;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem detail ({@code application/problem+json}). Every error the server answers with is one of
 * these: a type URI naming the problem, the HTTP status, a human-readable detail, and — for bad input — the list
 * of fields at fault with the rule each one broke. Never a stack trace.
 *
 * @param type       a URI reference identifying the problem type, e.g. {@code /problems/validation}
 * @param title      short summary of the problem type
 * @param status     the HTTP status code
 * @param detail     explanation of this occurrence
 * @param instance   the request path
 * @param errors     the fields at fault (empty when not about input)
 * @param extensions further members, e.g. counts of accepted readings
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance,
                      List<FieldError> errors, @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /**
     * One field that broke a rule.
     *
     * @param field   where: a JSON pointer-like path ({@code $[3].mgdl}), a query parameter or a form field name
     * @param rule    the rule broken, a stable machine-readable word ({@code required}, {@code range}, {@code type})
     * @param message what was expected, for people
     */
    public record FieldError(String field, String rule, String message) {
    }

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
        extensions = extensions == null ? Map.of() : extensions;
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem("/problems/" + slug, title, status, detail, null, List.of(), Map.of());
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, errors, extensions);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, fieldErrors, extensions);
    }

    public Problem with(String member, Object value) {
        Map<String, Object> ext = new LinkedHashMap<>(extensions);
        ext.put(member, value);
        return new Problem(type, title, status, detail, instance, errors, ext);
    }

    @JsonAnyGetter
    public Map<String, Object> anyExtensions() {
        return extensions;
    }

    // Common problems, so the same situation always has the same type.

    public static Problem badRequest(String detail, FieldError... errors) {
        return of(400, "bad-request", "Bad request", detail).withErrors(List.of(errors));
    }

    public static Problem validation(String detail, List<FieldError> errors) {
        return of(422, "validation", "Invalid input", detail).withErrors(errors);
    }

    public static Problem unauthorized(String detail) {
        return of(401, "unauthorized", "Authentication required", detail);
    }

    public static Problem notFound() {
        return of(404, "not-found", "Not found", "There is nothing at this address.");
    }
}
