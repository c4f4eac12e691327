package org.mqcgm.core.glucose;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The compact binary form of a day of readings, as stored (then encrypted) in one database row per user per day.
 *
 * <p>Readings are sorted by time and written column by column so that similar numbers sit together: time as the
 * difference in seconds from the previous reading (almost always 300 or 60), glucose as the difference from the
 * previous value (small), each as a zig-zag variable-length integer; columns that carry nothing for the whole day
 * (offset changes, markers, trends, quality, status, sources) cost one bit. The result is then DEFLATE-compressed.
 * A day of 5-minute readings takes about 1–2 bytes per reading.
 *
 * <pre>
 * byte    version (1)
 * varint  count
 * varint  first time (epoch seconds, zig-zag)
 * byte    columns present: 1 offsets vary, 2 markers, 4 trends, 8 quality, 16 status, 32 sources
 * varint  first offset (minutes, zig-zag)
 * count × varint  time deltas (seconds; first is 0)
 * count × varint  glucose deltas (mg/dL, zig-zag; first from 0)
 * [count × varint offset deltas]  [count × byte marker]  [count × varint trend ×100 + 1, 0 = none]
 * [count × byte quality, 255 = none]  [count × varint status]
 * [varint n, n × (varint length, UTF-8), count × varint source index + 1, 0 = none]
 * </pre>
 * Decoding is total: a malformed block yields an {@link IllegalArgumentException}, never a wrong reading.
 */
public final class DayBlockCodec {

    private static final int VERSION = 1;
    private static final int OFFSETS = 1;
    private static final int MARKERS = 2;
    private static final int TRENDS = 4;
    private static final int QUALITY = 8;
    private static final int STATUS = 16;
    private static final int SOURCES = 32;
    /** Guards decoding against a block that claims more readings than a day can hold at 1-second sampling. */
    static final int MAX_READINGS = 86_400 * 2;

    private DayBlockCodec() {
    }

    /** Encodes readings (any order; equal instants must have been deduplicated) into a compressed block. */
    public static byte[] encode(List<Reading> readings) {
        List<Reading> r = new ArrayList<>(readings);
        r.sort(null);
        Out out = new Out(r.size() * 4 + 16);
        out.write(VERSION);
        out.varint(r.size());
        if (r.isEmpty()) {
            return pack(out.toByteArray());
        }
        int columns = 0;
        Map<String, Integer> sources = new LinkedHashMap<>();
        for (Reading x : r) {
            if (!x.offset().equals(r.get(0).offset())) columns |= OFFSETS;
            if (x.marker() != Reading.Marker.VALUE) columns |= MARKERS;
            if (x.hasTrend()) columns |= TRENDS;
            if (x.quality() >= 0) columns |= QUALITY;
            if (x.status() != 0) columns |= STATUS;
            if (x.source() != null) {
                columns |= SOURCES;
                sources.putIfAbsent(x.source(), sources.size());
            }
        }
        out.zigzag(r.get(0).time().getEpochSecond());
        out.write(columns);
        out.zigzag(r.get(0).offset().getTotalSeconds() / 60);
        long previousTime = r.get(0).time().getEpochSecond();
        for (Reading x : r) {
            long t = x.time().getEpochSecond();
            if (t < previousTime || (t == previousTime && x != r.get(0))) {
                throw new IllegalArgumentException("readings must have distinct instants");
            }
            out.varint(t - previousTime);
            previousTime = t;
        }
        int previous = 0;
        for (Reading x : r) {
            out.zigzag(x.mgdl() - previous);
            previous = x.mgdl();
        }
        if ((columns & OFFSETS) != 0) {
            int prev = r.get(0).offset().getTotalSeconds() / 60;
            for (Reading x : r) {
                int o = x.offset().getTotalSeconds() / 60;
                out.zigzag(o - prev);
                prev = o;
            }
        }
        if ((columns & MARKERS) != 0) {
            for (Reading x : r) {
                out.write(x.marker().ordinal());
            }
        }
        if ((columns & TRENDS) != 0) {
            for (Reading x : r) {
                out.varint(x.hasTrend() ? zig(Math.round(x.trend() * 100)) + 1 : 0);
            }
        }
        if ((columns & QUALITY) != 0) {
            for (Reading x : r) {
                out.write(x.quality() < 0 ? 255 : x.quality());
            }
        }
        if ((columns & STATUS) != 0) {
            for (Reading x : r) {
                out.varint(x.status() & 0xffffffffL);
            }
        }
        if ((columns & SOURCES) != 0) {
            out.varint(sources.size());
            for (String s : sources.keySet()) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                out.varint(b.length);
                out.write(b, 0, b.length);
            }
            for (Reading x : r) {
                out.varint(x.source() == null ? 0 : sources.get(x.source()) + 1);
            }
        }
        return pack(out.toByteArray());
    }

    /** Decodes a block; readings come back sorted by time. */
    public static List<Reading> decode(byte[] block) {
        In in = new In(unpack(block));
        int version = in.read();
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown block version " + version);
        }
        int n = (int) in.varint();
        if (n < 0 || n > MAX_READINGS) {
            throw new IllegalArgumentException("implausible reading count " + n);
        }
        List<Reading> out = new ArrayList<>(n);
        if (n == 0) {
            return out;
        }
        long firstTime = in.zigzag();
        int columns = in.read();
        int firstOffset = (int) in.zigzag();
        long[] times = new long[n];
        long t = firstTime;
        for (int i = 0; i < n; i++) {
            long d = in.varint();
            if (i > 0 && d <= 0) {
                throw new IllegalArgumentException("non-increasing times in block");
            }
            t += d;
            times[i] = t;
        }
        int[] values = new int[n];
        int v = 0;
        for (int i = 0; i < n; i++) {
            v += (int) in.zigzag();
            values[i] = v;
        }
        int[] offsets = new int[n];
        int o = firstOffset;
        for (int i = 0; i < n; i++) {
            if ((columns & OFFSETS) != 0) {
                o += (int) in.zigzag();
            }
            offsets[i] = o;
        }
        Reading.Marker[] markers = new Reading.Marker[n];
        for (int i = 0; i < n; i++) {
            int m = (columns & MARKERS) != 0 ? in.read() : 0;
            if (m < 0 || m >= Reading.Marker.values().length) {
                throw new IllegalArgumentException("bad marker " + m);
            }
            markers[i] = Reading.Marker.values()[m];
        }
        double[] trends = new double[n];
        for (int i = 0; i < n; i++) {
            long x = (columns & TRENDS) != 0 ? in.varint() : 0;
            trends[i] = x == 0 ? Double.NaN : unzig(x - 1) / 100.0;
        }
        int[] quality = new int[n];
        for (int i = 0; i < n; i++) {
            int q = (columns & QUALITY) != 0 ? in.read() : 255;
            quality[i] = q == 255 ? -1 : q;
        }
        int[] status = new int[n];
        for (int i = 0; i < n; i++) {
            status[i] = (columns & STATUS) != 0 ? (int) in.varint() : 0;
        }
        String[] source = new String[n];
        if ((columns & SOURCES) != 0) {
            int k = (int) in.varint();
            if (k < 0 || k > n) {
                throw new IllegalArgumentException("implausible source count " + k);
            }
            String[] names = new String[k];
            for (int j = 0; j < k; j++) {
                int len = (int) in.varint();
                names[j] = new String(in.bytes(len), StandardCharsets.UTF_8);
            }
            for (int i = 0; i < n; i++) {
                int idx = (int) in.varint();
                if (idx < 0 || idx > k) {
                    throw new IllegalArgumentException("bad source index " + idx);
                }
                source[i] = idx == 0 ? null : names[idx - 1];
            }
        }
        for (int i = 0; i < n; i++) {
            out.add(new Reading(Instant.ofEpochSecond(times[i]), ZoneOffset.ofTotalSeconds(offsets[i] * 60),
                    values[i], markers[i], trends[i], quality[i], status[i], source[i]));
        }
        return out;
    }

    private static long zig(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzig(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /** Blocks shorter than this are stored as they are: DEFLATE would only add its set-up cost and bytes. */
    static final int COMPRESS_FROM = 96;
    private static final int STORED = 0;
    private static final int DEFLATED = 1;

    /** One leading byte says how the rest is stored: as is (small blocks, e.g. one recent reading) or deflated. */
    private static byte[] pack(byte[] raw) {
        byte[] body = raw;
        int how = STORED;
        if (raw.length >= COMPRESS_FROM) {
            byte[] deflated = compress(raw);
            if (deflated.length < raw.length) {
                body = deflated;
                how = DEFLATED;
            }
        }
        byte[] out = new byte[body.length + 1];
        out[0] = (byte) how;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    private static byte[] unpack(byte[] block) {
        if (block.length == 0) {
            throw new IllegalArgumentException("empty block");
        }
        byte[] body = java.util.Arrays.copyOfRange(block, 1, block.length);
        return switch (block[0]) {
            case STORED -> body;
            case DEFLATED -> decompress(body);
            default -> throw new IllegalArgumentException("unknown block format " + block[0]);
        };
    }

    private static byte[] compress(byte[] raw) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            d.setInput(raw);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 16);
            byte[] buf = new byte[4096];
            while (!d.finished()) {
                int n = d.deflate(buf);
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static byte[] decompress(byte[] block) {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(block);
            ByteArrayOutputStream out = new ByteArrayOutputStream(block.length * 3 + 16);
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new IllegalArgumentException("truncated block");
                }
                out.write(buf, 0, n);
                if (out.size() > 64 * MAX_READINGS) {
                    throw new IllegalArgumentException("block too large");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt block", e);
        } finally {
            inf.end();
        }
    }

    private static final class Out extends ByteArrayOutputStream {
        Out(int size) {
            super(size);
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        void zigzag(long v) {
            varint(zig(v));
        }
    }

    private static final class In {
        private final byte[] b;
        private int p;

        In(byte[] b) {
            this.b = b;
        }

        int read() {
            if (p >= b.length) {
                throw new IllegalArgumentException("truncated block");
            }
            return b[p++] & 0xff;
        }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = read();
                result |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return result;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }

        long zigzag() {
            return unzig(varint());
        }

        byte[] bytes(int len) {
            if (len < 0 || len > b.length - p) {
                throw new IllegalArgumentException("truncated block");
            }
            byte[] out = java.util.Arrays.copyOfRange(b, p, p + len);
            p += len;
            return out;
        }
    }
}
