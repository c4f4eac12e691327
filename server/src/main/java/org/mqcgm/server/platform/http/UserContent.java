package org.mqcgm.server.platform.http;

import io.javalin.http.Context;

/**
 * Serves a file a person uploaded (a photo of the logbook or the community, an attachment of a support ticket) as a
 * download, never as a document of this origin (ASVS 4.0.3 V1.12.2): {@code Content-Type: application/octet-stream}
 * with {@code X-Content-Type-Options: nosniff}, {@code Content-Disposition: attachment} with a file name, and
 * {@code Content-Security-Policy: sandbox; default-src 'none'}, so that even a file a browser were made to open runs
 * nothing and reaches nothing with this origin's rights. An {@code <img>} of the site still shows it (browsers decode
 * an image by its bytes; nosniff only holds back scripts and style sheets), which the browser tests check. Never
 * stored by a cache: who may see a file can change at any time.
 */
public final class UserContent {

    /** The policy of an uploaded file's answer: a sandboxed, opaque origin that may load nothing. */
    public static final String CSP = "sandbox; default-src 'none'; frame-ancestors 'none'";

    private UserContent() {
    }

    /**
     * Answers with {@code bytes} as a download named {@code fileName} (letters, digits, dots and dashes only; other
     * characters become dashes).
     */
    public static void serve(Context ctx, byte[] bytes, String fileName) {
        ctx.status(200);
        ctx.header("Cache-Control", "private, no-store");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Disposition", "attachment; filename=\"" + fileName.replaceAll("[^A-Za-z0-9.-]", "-")
                + "\"");
        ctx.header("Content-Security-Policy", CSP);
        ctx.contentType("application/octet-stream");
        ctx.result(bytes);
    }

    /** The file extension of an image type the photo pipeline writes ({@code jpg} or {@code png}). */
    public static String extension(String imageType) {
        return "image/png".equals(imageType) ? "png" : "jpg";
    }
}
