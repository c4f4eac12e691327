package org.mqcgm.core.ble;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Generic comparison of an expected JSON tree with the {@link CgmsJsonView} output: same keys exactly,
 * same array lengths, strings/booleans/null equal, numbers equal by value (120 == 120.0, 101.5 exact).
 */
final class JsonShape {

    private JsonShape() {
    }

    static void assertMatches(JsonNode expected, Object actual) {
        compare(expected, actual, "$");
    }

    private static void compare(JsonNode expected, Object actual, String path) {
        if (expected.isObject()) {
            if (!(actual instanceof Map<?, ?> map)) {
                fail("%s: expected an object, got %s", path, describe(actual));
                return;
            }
            TreeSet<String> expectedKeys = new TreeSet<>();
            expected.fieldNames().forEachRemaining(expectedKeys::add);
            TreeSet<String> actualKeys = new TreeSet<>();
            for (Object k : map.keySet()) {
                actualKeys.add(String.valueOf(k));
            }
            if (!expectedKeys.equals(actualKeys)) {
                fail("%s: keys differ, expected %s, got %s", path, expectedKeys, actualKeys);
            }
            for (String key : expectedKeys) {
                compare(expected.get(key), map.get(key), path + "." + key);
            }
        } else if (expected.isArray()) {
            if (!(actual instanceof List<?> list)) {
                fail("%s: expected an array, got %s", path, describe(actual));
                return;
            }
            if (list.size() != expected.size()) {
                fail("%s: expected %d elements, got %d", path, expected.size(), list.size());
            }
            Iterator<JsonNode> it = expected.elements();
            int i = 0;
            while (it.hasNext()) {
                compare(it.next(), list.get(i), path + "[" + i + "]");
                i++;
            }
        } else if (expected.isNumber()) {
            if (!(actual instanceof Number n)) {
                fail("%s: expected number %s, got %s", path, expected, describe(actual));
                return;
            }
            BigDecimal want = expected.decimalValue();
            BigDecimal got = new BigDecimal(n.toString());
            if (want.compareTo(got) != 0) {
                fail("%s: expected %s, got %s", path, want.toPlainString(), got.toPlainString());
            }
        } else if (expected.isTextual()) {
            if (!expected.asText().equals(actual)) {
                fail("%s: expected \"%s\", got %s", path, expected.asText(), describe(actual));
            }
        } else if (expected.isBoolean()) {
            if (!Boolean.valueOf(expected.booleanValue()).equals(actual)) {
                fail("%s: expected %s, got %s", path, expected, describe(actual));
            }
        } else if (expected.isNull()) {
            if (actual != null) {
                fail("%s: expected null, got %s", path, describe(actual));
            }
        } else {
            fail("%s: unsupported expected node %s", path, expected);
        }
    }

    private static String describe(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName() + " " + o;
    }
}
