package org.mqcgm.collector.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.mqcgm.core.ble.sensor.Advertisement;

/**
 * One frame of the simulator's socket protocol: GATT operations by characteristic UUID.
 *
 * <pre>
 * frame   = length:u32 (of what follows, at most 4096) | type:u8 | id:u32 | body
 * client → SCAN | CONNECT address:utf | READ uuid:u16 | WRITE uuid:u16 value:bytes | SUBSCRIBE uuid:u16 | DISCONNECT
 * server → OK [value:bytes] | ERROR att:u8 message:utf | ADVERTISEMENTS n:u16 (address:utf name:utf rssi:i8
 *          m:u8 uuid:u16…)… | NOTIFY uuid:u16 value:bytes | INDICATE uuid:u16 value:bytes | LINK_LOST reason:utf
 * bytes   = length:u16 | octets;  utf = DataOutput.writeUTF
 * </pre>
 * Responses carry the request's id; NOTIFY, INDICATE and LINK_LOST carry id 0. After LINK_LOST the server closes
 * the connection; the next request opens a new one.
 *
 * @param type  frame type
 * @param id    request id (0 for pushes)
 * @param body  type-specific body
 */
public record SimFrame(Type type, int id, byte[] body) {

    /** Largest frame accepted (a RACP batch notification is far smaller). */
    public static final int MAX_LENGTH = 4096;

    /** Frame types. */
    public enum Type {
        SCAN(1), CONNECT(2), READ(3), WRITE(4), SUBSCRIBE(5), DISCONNECT(6),
        OK(64), ERROR(65), ADVERTISEMENTS(66), NOTIFY(67), INDICATE(68), LINK_LOST(69);

        final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(int code) throws IOException {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IOException("unknown frame type " + code);
        }
    }

    public static SimFrame read(DataInputStream in) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (length < 5 || length > MAX_LENGTH) {
            throw new IOException("bad frame length " + length);
        }
        Type type = Type.of(in.readUnsignedByte());
        int id = in.readInt();
        byte[] body = new byte[length - 5];
        in.readFully(body);
        return new SimFrame(type, id, body);
    }

    public void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(5 + body.length);
        out.writeByte(type.code);
        out.writeInt(id);
        out.write(body);
        out.flush();
    }

    /** Builds a body with {@link DataOutputStream}. */
    public static SimFrame of(Type type, int id, BodyWriter writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SimFrame(type, id, bytes.toByteArray());
    }

    public DataInputStream in() {
        return new DataInputStream(new ByteArrayInputStream(body));
    }

    /** Writes the body of a frame. */
    @FunctionalInterface
    public interface BodyWriter {
        void write(DataOutputStream out) throws IOException;
    }

    static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeShort(value.length);
        out.write(value);
    }

    static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readUnsignedShort()];
        in.readFully(b);
        return b;
    }

    static void writeAdvertisements(DataOutputStream out, List<Advertisement> ads) throws IOException {
        out.writeShort(ads.size());
        for (Advertisement a : ads) {
            out.writeUTF(a.address());
            out.writeUTF(a.name());
            out.writeByte(a.rssi());
            out.writeByte(a.serviceUuids16().size());
            for (int u : a.serviceUuids16()) {
                out.writeShort(u);
            }
        }
    }

    static List<Advertisement> readAdvertisements(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        List<Advertisement> ads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String address = in.readUTF();
            String name = in.readUTF();
            int rssi = in.readByte();
            int m = in.readUnsignedByte();
            List<Integer> uuids = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                uuids.add(in.readUnsignedShort());
            }
            ads.add(new Advertisement(address, name, uuids, rssi));
        }
        return ads;
    }
}
