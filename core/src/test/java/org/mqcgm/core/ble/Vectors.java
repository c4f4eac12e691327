package org.mqcgm.core.ble;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Loads {@code ble/vectors.json} (ble-cgms.md §5) with exact decimals. */
final class Vectors {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static JsonNode root;

    private Vectors() {
    }

    static synchronized JsonNode root() {
        if (root == null) {
            try (InputStream in = Vectors.class.getResourceAsStream("/ble/vectors.json")) {
                if (in == null) {
                    throw new IllegalStateException("ble/vectors.json not on the test classpath");
                }
                root = MAPPER.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    /** One entry of {@code vectors[]}. */
    record Vector(String name, int characteristic, String hex, String expect, String meaning, JsonNode decoded,
                  String rejection) {

        boolean accept() {
            return expect.equals("accept");
        }

        byte[] bytes() {
            return Hex.parse(hex);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Vector> all() {
        List<Vector> list = new ArrayList<>();
        for (JsonNode v : root().get("vectors")) {
            list.add(new Vector(
                    v.get("name").asText(),
                    Integer.parseInt(v.get("characteristic").asText().substring(2), 16),
                    v.get("hex").asText(),
                    v.get("expect").asText(),
                    v.get("meaning").asText(),
                    v.get("decoded"),
                    v.has("rejection") ? v.get("rejection").asText() : null));
        }
        return list;
    }
}
