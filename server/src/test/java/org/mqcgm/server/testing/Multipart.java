package org.mqcgm.server.testing;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import javax.imageio.ImageIO;

/**
 * Photo uploads over real HTTP ({@code multipart/form-data} with a {@code file} field) and small generated images,
 * for the tests of every feature that takes photos.
 */
public final class Multipart {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private Multipart() {
    }

    /** The multipart body of one file field. */
    public static byte[] body(String boundary, String field, String filename, String contentType, byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + 512);
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                + filename + "\"\r\nContent-Type: " + contentType + "\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Posts {@code file} as the field {@code file} to {@code base + path} with extra headers. */
    public static HttpResponse<String> upload(String base, String path, String filename, String contentType,
                                              byte[] file, String... headers) {
        return upload(false, base, path, filename, contentType, file, headers);
    }

    /**
     * As {@link #upload(String, String, String, String, byte[], String...)}, optionally sending
     * {@code Expect: 100-continue}: the body is sent only once the server asks for it, so a body the server refuses
     * by its declared length (413) is never sent, and the answer is not lost in a connection closed mid-upload.
     */
    public static HttpResponse<String> upload(boolean expectContinue, String base, String path, String filename,
                                              String contentType, byte[] file, String... headers) {
        String boundary = "----mqcgm" + UUID.randomUUID().toString().replace("-", "");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).expectContinue(expectContinue)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(boundary, "file", filename, contentType, file)));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        // With Expect: 100-continue (a body to be refused by its length) the request goes on a connection of its
        // own: the server may close it after the refusal, and the next request must not find it in the shared pool.
        HttpClient own = expectContinue ? HttpClient.newHttpClient() : null;
        try {
            return (own == null ? CLIENT : own).send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    /** GETs {@code base + path} as bytes. */
    public static HttpResponse<byte[]> download(String base, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A {@code width × height} picture (a gradient with a few shapes) in {@code format} ({@code jpeg}, {@code png}). */
    public static byte[] picture(String format, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(30, 120, 200), width, height, new Color(240, 200, 60)));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.RED);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
