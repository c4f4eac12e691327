package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.security.AccessControl.NightscoutRefused;

/**
 * Request bodies of Nightscout clients: JSON, possibly {@code Content-Encoding: gzip} (xDrip+ compresses once it saw
 * a server that looks like Nightscout, nightscout-api.md trap 6), inflated to at most {@link #MAX_INFLATED} bytes.
 * Anything unreadable is a 400 in Nightscout's error shape, never a 5xx.
 *
 * <p>The body must be declared as JSON ({@link #requireJson}, ASVS V13.1.5 and V13.2.5): the forms the clients of
 * the ecosystem send — {@code application/json} alone (Loop, Trio, LoopFollow, Nightguard) or with
 * {@code charset=utf-8} (xDrip+ and AndroidAPS, whose OkHttp adds it; gzip-compressed bodies keep the type) — and a
 * structured {@code application/*+json} type such as {@code merge-patch+json}. Nightscout itself parses nothing else
 * as JSON, so no client working with it sends anything else; a body without a type, {@code text/plain}, XML or a
 * form is refused with 415 before it is read.
 */
final class NsBodies {

    static final int MAX_INFLATED = 16 * 1024 * 1024;

    private NsBodies() {
    }

    static JsonNode read(Context ctx, ObjectMapper mapper) {
        requireJson(ctx);
        byte[] body = ctx.bodyAsBytes();
        String encoding = ctx.header("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.equalsIgnoreCase("identity")) {
            if (!encoding.trim().equalsIgnoreCase("gzip")) {
                throw new NightscoutRefused(415, "Unsupported Media Type",
                        "Content-Encoding '" + encoding + "' is not supported (gzip is)");
            }
            body = gunzip(body);
        }
        if (body.length == 0) {
            throw new NightscoutRefused(400, "Bad Request", "The body is empty: send JSON");
        }
        try {
            return mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new NightscoutRefused(400, "Bad Request", "The body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new NightscoutRefused(400, "Bad Request", "The body cannot be read as JSON");
        }
    }

    /**
     * Refuses a body not declared as JSON in UTF-8 ({@link JsonBodies#isJsonMediaType}: {@code application/json} or
     * {@code application/*+json}, no charset or UTF-8) with a 415 problem naming {@code Content-Type} and the rule
     * {@code content-type}; it also carries Nightscout's {@code message} and {@code description}, for a client that
     * reads only those.
     */
    static void requireJson(Context ctx) {
        if (!JsonBodies.isJsonMediaType(ctx.contentType())) {
            String detail = "Send the body as application/json (UTF-8).";
            throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type", detail)
                    .withErrors(List.of(new Problem.FieldError("Content-Type", "content-type",
                            "must be application/json or application/*+json, charset UTF-8 or none")))
                    .with("message", "Unsupported Media Type").with("description", detail));
        }
    }

    private static byte[] gunzip(byte[] gz) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            byte[] out = in.readNBytes(MAX_INFLATED + 1);
            if (out.length > MAX_INFLATED) {
                throw new NightscoutRefused(413, "Payload Too Large",
                        "The inflated body is larger than " + MAX_INFLATED + " bytes");
            }
            return out;
        } catch (IOException e) {
            throw new NightscoutRefused(400, "Bad Request", "The body is not valid gzip");
        }
    }
}
