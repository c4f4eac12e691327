package org.mqcgm.core.imports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) for the core, which may use only the JDK: objects become
 * {@code LinkedHashMap<String, Object>}, arrays {@code List<Object>}, numbers {@code Double}, strings, booleans and
 * {@link #NULL}. Nesting is limited (a deep file is refused, never a stack overflow); errors name line and column.
 */
final class MiniJson {

    /** JSON {@code null}. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    static final int MAX_DEPTH = 64;

    private final String s;
    private int i;

    private MiniJson(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        MiniJson p = new MiniJson(text);
        p.ws();
        Object v = p.value(0);
        p.ws();
        if (p.i < p.s.length()) {
            throw p.error("unexpected content after the JSON value");
        }
        return v;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw new ImportException("structure", "The JSON is nested more than " + MAX_DEPTH + " levels deep.");
        }
        if (i >= s.length()) {
            throw truncated();
        }
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", NULL);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character");
        }
    }

    private Map<String, Object> object(int depth) {
        i++;
        Map<String, Object> map = new LinkedHashMap<>();
        ws();
        if (peek() == '}') {
            i++;
            return map;
        }
        while (true) {
            ws();
            if (peek() != '"') {
                throw i >= s.length() ? truncated() : error("expected a quoted name");
            }
            String key = string();
            ws();
            if (peek() != ':') {
                throw i >= s.length() ? truncated() : error("expected ':'");
            }
            i++;
            ws();
            map.put(key, value(depth + 1));
            ws();
            char c = peek();
            i++;
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                throw c == 0 ? truncated() : error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        i++;
        List<Object> list = new ArrayList<>();
        ws();
        if (peek() == ']') {
            i++;
            return list;
        }
        while (true) {
            ws();
            list.add(value(depth + 1));
            ws();
            char c = peek();
            i++;
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                throw c == 0 ? truncated() : error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        i++;
        StringBuilder b = null;
        int start = i;
        while (true) {
            if (i >= s.length()) {
                throw truncated();
            }
            char c = s.charAt(i);
            if (c == '"') {
                String out = b == null ? s.substring(start, i) : b.append(s, start, i).toString();
                i++;
                return out;
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c == '\\') {
                if (b == null) {
                    b = new StringBuilder();
                }
                b.append(s, start, i);
                i++;
                if (i >= s.length()) {
                    throw truncated();
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw truncated();
                        }
                        int cp = 0;
                        for (int k = 0; k < 4; k++) {
                            int d = Character.digit(s.charAt(i + k), 16);
                            if (d < 0) {
                                throw error("bad \\u escape");
                            }
                            cp = cp * 16 + d;
                        }
                        i += 4;
                        b.append((char) cp);
                    }
                    default -> throw error("bad escape");
                }
                start = i;
            } else {
                i++;
            }
        }
    }

    private Double number() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (!digit()) {
            throw i >= s.length() ? truncated() : error("bad number");
        }
        if (s.charAt(i) == '0') {
            i++;
        } else {
            while (digit()) {
                i++;
            }
        }
        if (peek() == '.') {
            i++;
            if (!digit()) {
                throw i >= s.length() ? truncated() : error("bad number");
            }
            while (digit()) {
                i++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (!digit()) {
                throw i >= s.length() ? truncated() : error("bad number");
            }
            while (digit()) {
                i++;
            }
        }
        if (i - start > 64) {
            throw error("number too long");
        }
        return Double.parseDouble(s.substring(start, i));
    }

    private boolean digit() {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }

    private Object literal(String word, Object v) {
        if (s.startsWith(word, i)) {
            i += word.length();
            return v;
        }
        throw i + word.length() > s.length() && word.startsWith(s.substring(i)) ? truncated()
                : error("unexpected word");
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : 0;
    }

    private void ws() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                i++;
            } else {
                return;
            }
        }
    }

    private ImportException truncated() {
        return new ImportException("truncated", "The JSON ends too early (the file is truncated).");
    }

    private ImportException error(String what) {
        int line = 1;
        int col = 1;
        for (int k = 0; k < Math.min(i, s.length()); k++) {
            if (s.charAt(k) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new ImportException("json", "The file is not valid JSON: " + what + " at line " + line + ", column "
                + col + ".");
    }
}
