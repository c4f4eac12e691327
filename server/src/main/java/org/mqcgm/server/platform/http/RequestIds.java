package org.mqcgm.server.platform.http;

import io.javalin.http.Context;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Every request gets an id: the caller's {@code X-Request-Id} when it is a sane token, otherwise a fresh random
 * one. It is returned in the response header and put in the logging context, so every log line written while
 * handling the request carries it ({@code %X{requestId}} in logback.xml).
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{8,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {
    }

    static void assign(Context ctx) {
        String inbound = ctx.header(HEADER);
        String id = inbound != null && SANE.matcher(inbound).matches() ? inbound : fresh();
        ctx.attribute(MDC_KEY, id);
        ctx.header(HEADER, id);
        MDC.put(MDC_KEY, id);
    }

    /** The id of the request being handled. */
    public static String of(Context ctx) {
        String id = ctx.attribute(MDC_KEY);
        return id == null ? "" : id;
    }

    static String fresh() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
