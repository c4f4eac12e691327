package org.mqcgm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Dependency vulnerability check that works offline: the components of a CycloneDX SBOM ({@code target/bom.json},
 * written by {@code ./mqcgm build}) against a checked-in list of advisories in the OSV format
 * ({@code security/advisories/*.json}, refreshed by {@code scripts/refresh-advisories} where the network allows).
 * A component of the Maven ecosystem is affected when its version is in an advisory's {@code versions} or inside
 * one of its {@code ECOSYSTEM} ranges (introduced ≤ version &lt; fixed, or ≤ last_affected).
 * {@code java -cp … org.mqcgm.cli.Advisories target/bom.json security/advisories} prints each match and exits 1.
 */
public final class Advisories {

    /** A component: {@code group:artifact} and its version. */
    public record Component(String name, String version) {
    }

    /** A component an advisory names. */
    public record Match(Component component, String advisory, String summary) {
        @Override
        public String toString() {
            return component.name() + "@" + component.version() + ": " + advisory
                    + (summary == null || summary.isBlank() ? "" : " (" + summary + ")");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Advisories() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: Advisories <bom.json> <advisories directory>");
            System.exit(2);
        }
        List<Match> matches = check(components(Path.of(args[0])), load(Path.of(args[1])));
        if (matches.isEmpty()) {
            System.err.println("advisories: no dependency of the SBOM is named by a known advisory");
            return;
        }
        for (Match m : matches) {
            System.err.println("advisories: VULNERABLE " + m);
        }
        System.exit(1);
    }

    /** The Maven components of a CycloneDX JSON SBOM. */
    public static List<Component> components(Path bom) {
        List<Component> out = new ArrayList<>();
        for (JsonNode c : read(bom).path("components")) {
            String purl = c.path("purl").asText("");
            if (!purl.startsWith("pkg:maven/")) {
                continue;
            }
            out.add(new Component(c.path("group").asText() + ":" + c.path("name").asText(),
                    c.path("version").asText()));
        }
        return out;
    }

    /** The OSV records of a directory. */
    public static List<JsonNode> load(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().map(Advisories::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    /** Every component that an advisory names, with the advisory's id. */
    public static List<Match> check(List<Component> components, List<JsonNode> advisories) {
        List<Match> out = new ArrayList<>();
        for (Component c : components) {
            for (JsonNode a : advisories) {
                if (affects(a, c)) {
                    out.add(new Match(c, a.path("id").asText(), a.path("summary").asText(null)));
                }
            }
        }
        return out;
    }

    static boolean affects(JsonNode advisory, Component c) {
        for (JsonNode affected : advisory.path("affected")) {
            JsonNode pkg = affected.path("package");
            if (!"Maven".equals(pkg.path("ecosystem").asText()) || !c.name().equals(pkg.path("name").asText())) {
                continue;
            }
            for (JsonNode v : affected.path("versions")) {
                if (v.asText().equals(c.version())) {
                    return true;
                }
            }
            for (JsonNode range : affected.path("ranges")) {
                if ("ECOSYSTEM".equals(range.path("type").asText()) && inRange(range.path("events"), c.version())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** OSV range events in order: each {@code introduced} opens an interval, {@code fixed}/{@code last_affected} closes it. */
    static boolean inRange(JsonNode events, String version) {
        String introduced = null;
        for (JsonNode e : events) {
            if (e.has("introduced")) {
                introduced = e.get("introduced").asText();
            } else if (introduced != null && e.has("fixed")) {
                if (atLeast(version, introduced) && compare(version, e.get("fixed").asText()) < 0) {
                    return true;
                }
                introduced = null;
            } else if (introduced != null && e.has("last_affected")) {
                if (atLeast(version, introduced) && compare(version, e.get("last_affected").asText()) <= 0) {
                    return true;
                }
                introduced = null;
            }
        }
        return introduced != null && atLeast(version, introduced);
    }

    private static boolean atLeast(String version, String introduced) {
        return "0".equals(introduced) || compare(version, introduced) >= 0;
    }

    /**
     * Maven's version order, enough for advisories: numeric parts compared as numbers, a missing part is 0, and a
     * pre-release qualifier (alpha, beta, milestone, rc, cr, snapshot) sorts before the release it precedes while
     * {@code ga}, {@code final} and {@code release} are the release itself.
     */
    static int compare(String a, String b) {
        List<Object> x = parts(a);
        List<Object> y = parts(b);
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
            Object p = i < x.size() ? x.get(i) : 0L;
            Object q = i < y.size() ? y.get(i) : 0L;
            int c = comparePart(p, q);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int comparePart(Object p, Object q) {
        if (p instanceof Long m && q instanceof Long n) {
            return Long.compare(m, n);
        }
        return Integer.compare(rank(p), rank(q)) != 0 ? Integer.compare(rank(p), rank(q))
                : p.toString().compareTo(q.toString());
    }

    /** Pre-release qualifiers below a release (0), numbers at it or above, other qualifiers (sp…) just above. */
    private static int rank(Object part) {
        if (part instanceof Long n) {
            return n == 0 ? 1 : 3;
        }
        String s = part.toString();
        if (s.startsWith("alpha") || s.startsWith("a") && s.length() <= 3 || s.startsWith("beta")
                || s.startsWith("milestone") || s.startsWith("m") && s.length() <= 3 || s.startsWith("rc")
                || s.startsWith("cr") || s.startsWith("snapshot") || s.startsWith("b") && s.length() <= 3) {
            return 0;
        }
        if (s.equals("ga") || s.equals("final") || s.equals("release")) {
            return 1;
        }
        return 2;
    }

    private static List<Object> parts(String version) {
        List<Object> out = new ArrayList<>();
        for (String token : version.toLowerCase(Locale.ROOT).split("[.\\-_+]|(?<=\\d)(?=[a-z])|(?<=[a-z])(?=\\d)")) {
            if (token.isEmpty()) {
                continue;
            }
            if (token.chars().allMatch(Character::isDigit)) {
                out.add(Long.parseLong(token.length() > 18 ? token.substring(0, 18) : token));
            } else {
                out.add(token);
            }
        }
        // trailing zeros and release markers say nothing: 1.0 = 1 = 1.0.0 = 1-final
        while (!out.isEmpty() && (out.getLast() instanceof Long n && n == 0
                || out.getLast() instanceof String s && (s.equals("ga") || s.equals("final") || s.equals("release")))) {
            out.removeLast();
        }
        return out;
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
