package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.mqcgm.server.platform.security.AccessControl.NightscoutRefused;

/**
 * Request bodies of Nightscout clients: JSON, possibly {@code Content-Encoding: gzip} (xDrip+ compresses once it saw
 * a server that looks like Nightscout, nightscout-api.md trap 6), inflated to at most {@link #MAX_INFLATED} bytes.
 * Anything unreadable is a 400 in Nightscout's error shape, never a 5xx.
 */
final class NsBodies {

    static final int MAX_INFLATED = 16 * 1024 * 1024;

    private NsBodies() {
    }

    static JsonNode read(Context ctx, ObjectMapper mapper) {
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
