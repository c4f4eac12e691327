package org.mqcgm.server.photos;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * The photo pipeline: an uploaded file becomes two fresh images that hold pixels and nothing else.
 *
 * <ol>
 *   <li>Recognised by content (magic bytes), never by name or declared type: JPEG, PNG and WebP only. HEIC/HEIF is
 *       refused with advice (no maintained pure-Java decoder exists); SVG, GIF, PDF and anything else are refused.</li>
 *   <li>At most {@link #MAX_BYTES}; the header alone is read first, and an image over {@link #MAX_PIXELS} or
 *       {@link #MAX_SIDE} px a side is refused before a single pixel is decoded (decompression bombs).</li>
 *   <li>Decoded to pixels (a truncated or corrupt file is refused), turned upright by the EXIF orientation, then
 *       written afresh — JPEG at quality 0.85, or PNG when the image has transparency — at most {@link #FULL_SIDE}
 *       px on the long side, with a thumbnail of {@link #THUMB_SIDE} px. Nothing of the original file is copied:
 *       EXIF (GPS, camera make, model and serial), XMP, ICC profiles, comments, text chunks and whatever was
 *       appended after the image (a polyglot's ZIP or HTML) are all gone.</li>
 * </ol>
 */
final class PhotoPipeline {

    static final int MAX_BYTES = org.mqcgm.server.platform.media.Photos.MAX_BYTES;
    static final long MAX_PIXELS = 40_000_000L;
    static final int MAX_SIDE = 12_000;
    static final int FULL_SIDE = 2048;
    static final int THUMB_SIDE = 320;
    static final float JPEG_QUALITY = 0.85f;
    static final String FIELD = "file";

    static final String HEIC_MESSAGE =
            "HEIC photos are not supported yet: set your camera to 'Most compatible' (JPEG)";

    /** The formats accepted, by the ImageIO format name that reads them. */
    enum Format {
        JPEG("jpeg"), PNG("png"), WEBP("webp");

        final String imageIoName;

        Format(String imageIoName) {
            this.imageIoName = imageIoName;
        }
    }

    /** One encoded rendition. */
    record Rendition(String contentType, byte[] bytes, int width, int height) {
    }

    /** What an upload became. */
    record Result(Rendition full, Rendition thumb) {
    }

    /** Runs the whole pipeline; throws a {@link ProblemException} naming {@code file} when the file is refused. */
    Result process(byte[] file) {
        return process(file, FIELD);
    }

    /** Runs the whole pipeline; a refusal names {@code field}. */
    Result process(byte[] file, String field) {
        try {
            return run(file);
        } catch (ProblemException e) {
            if (field.equals(FIELD)) {
                throw e;
            }
            Problem p = e.problem();
            throw new ProblemException(p.withErrors(p.errors().stream()
                    .map(er -> new Problem.FieldError(field, er.rule(), er.message())).toList()));
        }
    }

    private Result run(byte[] file) {
        if (file.length > MAX_BYTES) {
            throw tooLarge();
        }
        Format format = recognise(file);
        BufferedImage decoded = decode(file, format);
        int orientation = format == Format.JPEG ? Exif.orientation(file) : 1;
        boolean alpha = decoded.getColorModel().hasAlpha();
        BufferedImage full = render(decoded, orientation, FULL_SIDE, alpha);
        BufferedImage thumb = render(full, 1, THUMB_SIDE, alpha);
        return new Result(encode(full, alpha), encode(thumb, alpha));
    }

    // --- recognising --------------------------------------------------------------------------------------------

    /** The format of {@code b} by its first bytes; refuses everything else with 415. */
    static Format recognise(byte[] b) {
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return Format.JPEG;
        }
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Format.PNG;
        }
        if (b.length >= 12 && ascii(b, 0, 4).equals("RIFF") && ascii(b, 8, 4).equals("WEBP")) {
            return Format.WEBP;
        }
        if (b.length >= 12 && ascii(b, 4, 4).equals("ftyp")) {
            String brand = ascii(b, 8, 4);
            if (List.of("heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1").contains(brand)) {
                throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                        HEIC_MESSAGE).withErrors(List.of(new Problem.FieldError(FIELD, "heic",
                        "HEIC/HEIF is not supported: send JPEG, PNG or WebP"))));
            }
        }
        throw unsupported();
    }

    private static boolean startsWith(byte[] b, int at, int... expected) {
        if (b.length < at + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((b[at + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] b, int at, int length) {
        return new String(b, at, length, StandardCharsets.ISO_8859_1);
    }

    // --- decoding -----------------------------------------------------------------------------------------------

    /**
     * Reads the header, checks the dimensions, then decodes. The header's width and height come before any pixel
     * is decoded, so a bomb (a tiny PNG claiming 100 megapixels) is refused without allocating its raster. Large
     * images are decoded subsampled (every n-th pixel) so a 40 MP photo never needs a 40 MP raster.
     */
    static BufferedImage decode(byte[] file, Format format) {
        ImageReader reader = reader(format);
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(file))) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            int width;
            int height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw notAnImage();
            }
            if (width <= 0 || height <= 0) {
                throw notAnImage();
            }
            if (width > MAX_SIDE || height > MAX_SIDE || (long) width * height > MAX_PIXELS) {
                throw tooManyPixels(width, height);
            }
            ImageReadParam param = reader.getDefaultReadParam();
            int step = Math.max(1, (int) Math.ceil(Math.max(width, height) / (2.0 * FULL_SIDE)));
            if (step > 1) {
                param.setSourceSubsampling(step, step, 0, 0);
            }
            BufferedImage image;
            try {
                image = reader.read(0, param);
            } catch (IOException | RuntimeException e) {
                throw notAnImage();
            } catch (OutOfMemoryError e) {
                throw tooManyPixels(width, height);
            }
            // The JDK's JPEG decoder fills a truncated file's missing rows with grey and only warns.
            if (image == null || !warnings.isEmpty()) {
                throw notAnImage();
            }
            return image;
        } catch (IOException e) {
            throw notAnImage();
        } finally {
            reader.dispose();
        }
    }

    private static ImageReader reader(Format format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName);
        if (!readers.hasNext()) {
            throw new IllegalStateException("no ImageIO reader for " + format);
        }
        return readers.next();
    }

    // --- rendering ----------------------------------------------------------------------------------------------

    /**
     * The image turned upright ({@code orientation}, EXIF 1–8) and scaled to at most {@code longSide} px on its
     * long side (never up), drawn into a fresh RGB or ARGB raster. Halves first while more than twice too large,
     * so the bilinear filter's last step never skips pixels.
     */
    static BufferedImage render(BufferedImage source, int orientation, int longSide, boolean alpha) {
        BufferedImage cur = source;
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        while (Math.max(cur.getWidth(), cur.getHeight()) > 2 * longSide) {
            cur = draw(cur, Math.max(1, cur.getWidth() / 2), Math.max(1, cur.getHeight() / 2), 1, type);
        }
        int w = cur.getWidth();
        int h = cur.getHeight();
        double scale = Math.min(1.0, (double) longSide / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * scale));
        int th = Math.max(1, (int) Math.round(h * scale));
        if (cur == source || tw != w || th != h || orientation != 1 || cur.getType() != type) {
            cur = draw(cur, tw, th, orientation, type);
        }
        return cur;
    }

    /** Draws {@code src} scaled to {@code w × h} (before orientation) and oriented, into a new image. */
    private static BufferedImage draw(BufferedImage src, int w, int h, int orientation, int type) {
        boolean swap = orientation >= 5 && orientation <= 8;
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        BufferedImage out = new BufferedImage(outW, outH, type);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            if (type == BufferedImage.TYPE_INT_RGB) {
                // transparent pixels of an opaque target become white rather than black
                g.setColor(java.awt.Color.WHITE);
                g.fillRect(0, 0, outW, outH);
            }
            AffineTransform t = orient(orientation, w, h);
            t.scale((double) w / src.getWidth(), (double) h / src.getHeight());
            g.drawImage(src, t, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Maps a {@code w × h} image to its upright position for EXIF orientation 1–8. */
    static AffineTransform orient(int orientation, int w, int h) {
        return switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);     // mirrored
            case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);    // upside down
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);     // mirrored vertically
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);      // transposed
            case 6 -> new AffineTransform(0, 1, -1, 0, h, 0);     // rotate 90° clockwise
            case 7 -> new AffineTransform(0, -1, -1, 0, h, w);    // transverse
            case 8 -> new AffineTransform(0, -1, 1, 0, 0, w);     // rotate 90° counter-clockwise
            default -> new AffineTransform();
        };
    }

    // --- encoding -----------------------------------------------------------------------------------------------

    /** A fresh JPEG (or PNG with transparency) of the pixels, written without any metadata. */
    static Rendition encode(BufferedImage image, boolean alpha) {
        String format = alpha ? "png" : "jpeg";
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (!alpha) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(JPEG_QUALITY);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an image in memory", e);
        } finally {
            writer.dispose();
        }
        return new Rendition(alpha ? "image/png" : "image/jpeg", bytes.toByteArray(), image.getWidth(),
                image.getHeight());
    }

    // --- problems -----------------------------------------------------------------------------------------------

    static ProblemException tooLarge() {
        return new ProblemException(Problem.of(413, "payload-too-large", "Photo too large",
                "A photo may be at most 10 MB.").withErrors(List.of(new Problem.FieldError(FIELD, "max-size",
                "at most 10 MB (10,485,760 bytes)"))));
    }

    static ProblemException unsupported() {
        return new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                "Only JPEG, PNG and WebP photos are accepted (recognised by their content, not their name).")
                .withErrors(List.of(new Problem.FieldError(FIELD, "type", "JPEG, PNG or WebP"))));
    }

    static ProblemException notAnImage() {
        return new ProblemException(Problem.of(422, "not-an-image", "Not an image",
                "The file could not be read as an image: it is truncated or corrupt.")
                .withErrors(List.of(new Problem.FieldError(FIELD, "not-an-image", "a complete JPEG, PNG or WebP"))));
    }

    static ProblemException tooManyPixels(int width, int height) {
        return new ProblemException(Problem.of(422, "too-many-pixels", "Too many pixels",
                "A photo may have at most 40 megapixels and 12,000 pixels a side; this one is " + width + " × "
                        + height + ".").withErrors(List.of(new Problem.FieldError(FIELD, "max-pixels",
                "at most 40 megapixels and 12,000 pixels a side"))));
    }

    /** The EXIF orientation tag of a JPEG, read by hand from its APP1 segment (nothing else of EXIF is read). */
    static final class Exif {

        private Exif() {
        }

        /** The orientation 1–8, or 1 when the file has none or it cannot be read. */
        static int orientation(byte[] b) {
            int i = 2;
            while (i + 4 <= b.length) {
                if ((b[i] & 0xFF) != 0xFF) {
                    return 1;
                }
                int marker = b[i + 1] & 0xFF;
                if (marker == 0xFF) {
                    i++;
                    continue;
                }
                if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                    i += 2;
                    continue;
                }
                if (marker == 0xDA || marker == 0xD9) {
                    return 1;
                }
                int length = u16(b, i + 2, true);
                if (length < 2) {
                    return 1;
                }
                int start = i + 4;
                int end = Math.min(b.length, i + 2 + length);
                if (marker == 0xE1 && end - start >= 14 && ascii(b, start, 4).equals("Exif") && b[start + 4] == 0
                        && b[start + 5] == 0) {
                    int o = tiff(b, start + 6, end);
                    if (o >= 1 && o <= 8) {
                        return o;
                    }
                }
                i += 2 + length;
            }
            return 1;
        }

        private static int tiff(byte[] b, int t, int end) {
            boolean big;
            if (b[t] == 'M' && b[t + 1] == 'M') {
                big = true;
            } else if (b[t] == 'I' && b[t + 1] == 'I') {
                big = false;
            } else {
                return 1;
            }
            if (u16(b, t + 2, big) != 42) {
                return 1;
            }
            long ifd = u32(b, t + 4, big);
            if (ifd < 8 || t + ifd + 2 > end) {
                return 1;
            }
            int p = (int) (t + ifd);
            int count = u16(b, p, big);
            for (int k = 0; k < count; k++) {
                int e = p + 2 + 12 * k;
                if (e + 12 > end) {
                    return 1;
                }
                if (u16(b, e, big) == 0x0112) {
                    return u16(b, e + 8, big);
                }
            }
            return 1;
        }

        private static int u16(byte[] b, int at, boolean big) {
            int x = b[at] & 0xFF;
            int y = b[at + 1] & 0xFF;
            return big ? (x << 8) | y : (y << 8) | x;
        }

        private static long u32(byte[] b, int at, boolean big) {
            long hi = u16(b, big ? at : at + 2, big);
            long lo = u16(b, big ? at + 2 : at, big);
            return (hi << 16) | lo;
        }
    }
}
