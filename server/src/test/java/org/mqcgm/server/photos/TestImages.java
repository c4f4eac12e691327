package org.mqcgm.server.photos;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Hand-made image files for the pipeline's tests: EXIF and XMP segments, PNG chunks, a WebP, bombs. */
final class TestImages {

    static final String MAKE = "CanonTestMake";
    static final String MODEL = "EOS-Private-Model";
    static final String SERIAL = "SN-4242-SECRET";
    static final String XMP_SECRET = "xmp-home-address-secret";

    private TestImages() {
    }

    /**
     * {@code jpeg} with an EXIF APP1 (Make, Model, Orientation, body serial, a GPS IFD with latitude 48°51'30"N),
     * an XMP APP1 and a comment inserted right after its SOI marker.
     */
    static byte[] withExif(byte[] jpeg, int orientation) {
        byte[] exif = exif(orientation);
        byte[] xmpHeader = "http://ns.adobe.com/xap/1.0/\0".getBytes(StandardCharsets.ISO_8859_1);
        byte[] xmpBody = ("<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/"
                + "22-rdf-syntax-ns#'><rdf:Description exif:GPSLatitude='48,51.5N' note='" + XMP_SECRET
                + "'/></rdf:RDF></x:xmpmeta>").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        segment(out, 0xE1, concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), exif));
        segment(out, 0xE1, concat(xmpHeader, xmpBody));
        segment(out, 0xFE, ("comment " + SERIAL).getBytes(StandardCharsets.US_ASCII));
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] payload) {
        out.write(0xFF);
        out.write(marker);
        int length = payload.length + 2;
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(payload);
    }

    /** A big-endian TIFF block: IFD0 (Make, Model, Orientation, GPS pointer, serial) and a GPS IFD. */
    static byte[] exif(int orientation) {
        byte[] make = ascii(MAKE);
        byte[] model = ascii(MODEL);
        byte[] serial = ascii(SERIAL);
        int ifd0 = 8;
        int ifd0Size = 2 + 5 * 12 + 4;
        int gps = ifd0 + ifd0Size;
        int gpsSize = 2 + 2 * 12 + 4;
        int data = gps + gpsSize;
        int makeAt = data;
        int modelAt = makeAt + make.length;
        int serialAt = modelAt + model.length;
        int latAt = serialAt + serial.length;
        int total = latAt + 24;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(ifd0);
        b.putShort((short) 5);
        entry(b, 0x010F, 2, make.length, makeAt);
        entry(b, 0x0110, 2, model.length, modelAt);
        b.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        entry(b, 0x8825, 4, 1, gps);
        entry(b, 0xA431, 2, serial.length, serialAt);
        b.putInt(0);
        b.putShort((short) 2);
        b.putShort((short) 1).putShort((short) 2).putInt(2).put((byte) 'N').put((byte) 0).putShort((short) 0);
        entry(b, 2, 5, 3, latAt);
        b.putInt(0);
        b.put(make).put(model).put(serial);
        b.putInt(48).putInt(1).putInt(51).putInt(1).putInt(30).putInt(1);
        return b.array();
    }

    private static void entry(ByteBuffer b, int tag, int type, int count, int offset) {
        b.putShort((short) tag).putShort((short) type).putInt(count).putInt(offset);
    }

    private static byte[] ascii(String s) {
        return (s + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** {@code png} with a tEXt chunk (a comment with a location) inserted after its IHDR. */
    static byte[] withTextChunk(byte[] png, String text) {
        int afterIhdr = 8 + 4 + 4 + 13 + 4;
        return concat(Arrays.copyOfRange(png, 0, afterIhdr),
                chunk("tEXt", ("Comment\0" + text).getBytes(StandardCharsets.ISO_8859_1)),
                Arrays.copyOfRange(png, afterIhdr, png.length));
    }

    static byte[] chunk(String type, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(12 + data.length);
        b.putInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        b.put(t).put(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /**
     * A PNG that claims {@code width × height} pixels but holds a few bytes of compressed data: decoding it would
     * need a raster of that size (a decompression bomb).
     */
    static byte[] pngBomb(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        Deflater deflater = new Deflater(9);
        deflater.setInput(new byte[64 * 1024]);
        deflater.finish();
        byte[] buffer = new byte[4096];
        int n = deflater.deflate(buffer);
        deflater.end();
        return concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, chunk("IHDR", ihdr.array()),
                chunk("IDAT", Arrays.copyOf(buffer, n)), chunk("IEND", new byte[0]));
    }

    /**
     * A lossless WebP (VP8L) of {@code width × height} pixels of one colour: each of the five prefix codes is a
     * "simple" code of one symbol, so the pixels take no bits at all.
     */
    static byte[] webp(int width, int height, int red, int green, int blue) {
        Bits bits = new Bits();
        bits.put(0x2f, 8);
        bits.put(width - 1, 14);
        bits.put(height - 1, 14);
        bits.put(0, 1); // no alpha
        bits.put(0, 3); // version 0
        bits.put(0, 1); // no transform
        bits.put(0, 1); // no colour cache
        bits.put(0, 1); // no meta prefix codes
        for (int symbol : new int[] {green, red, blue, 255}) {
            bits.put(1, 1); // simple code
            bits.put(0, 1); // one symbol
            bits.put(1, 1); // eight bits
            bits.put(symbol, 8);
        }
        bits.put(1, 1); // distance: simple code, one symbol, one bit, 0
        bits.put(0, 1);
        bits.put(0, 1);
        bits.put(0, 1);
        bits.put(0, 64); // zero padding: the decoder's bit reader reads whole longs ahead
        byte[] vp8l = bits.bytes();
        int padded = vp8l.length + (vp8l.length % 2);
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + 8 + padded)
                .put("WEBP".getBytes(StandardCharsets.US_ASCII))
                .put("VP8L".getBytes(StandardCharsets.US_ASCII)).putInt(vp8l.length).put(vp8l);
        return b.array();
    }

    /** Bits written least significant first, as VP8L reads them. */
    private static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long acc;
        private int count;

        void put(int value, int n) {
            if (n > 8) {
                put(value & 0xFF, 8);
                put(value >>> 8, n - 8);
                return;
            }
            acc |= ((long) value & ((1L << n) - 1)) << count;
            count += n;
            while (count >= 8) {
                out.write((int) (acc & 0xFF));
                acc >>>= 8;
                count -= 8;
            }
        }

        byte[] bytes() {
            if (count > 0) {
                out.write((int) (acc & 0xFF));
                acc = 0;
                count = 0;
            }
            return out.toByteArray();
        }
    }

    /** The first ISO-BMFF box of an iPhone photo: {@code ftyp} with the {@code heic} brand. */
    static byte[] heicHeader() {
        return concat(new byte[] {0, 0, 0, 0x18}, "ftypheic".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0, 0, 0, 0}, "mif1heic".getBytes(StandardCharsets.US_ASCII), new byte[200]);
    }

    /** Whether {@code haystack} contains {@code needle}. */
    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The JPEG markers of {@code jpeg} before its image data (SOS), e.g. 0xE0 for APP0. */
    static java.util.List<Integer> markers(byte[] jpeg) {
        java.util.List<Integer> markers = new java.util.ArrayList<>();
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
            int marker = jpeg[i + 1] & 0xFF;
            markers.add(marker);
            if (marker == 0xDA) {
                break;
            }
            i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
        }
        return markers;
    }
}
