package org.mqcgm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.testing.TestApp;

/**
 * The gate of the threat-modelling rule (ASVS V1.1.2): a change that adds an element crossing a trust boundary
 * cannot land unless {@code docs/threat-model.md} names it — in its inventory, as a code span — with the boundary,
 * the attacker and the defence. The elements are read from the code itself, not from a list kept by hand: every
 * feature package, every route prefix, every route a caller reaches without an account (public pages and forms,
 * capability links, Nightscout credentials), every class that opens an outbound connection, and every channel of the
 * egress gateway.
 */
class ThreatModelTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static final Path THREAT_MODEL = Path.of("..", "docs", "threat-model.md");
    static final Path MAIN = Path.of("src", "main", "java", "org", "mqcgm", "server");

    /** Every code span of the threat model. */
    static Set<String> named() throws IOException {
        Set<String> spans = new TreeSet<>();
        Matcher m = Pattern.compile("`([^`\\n]+)`").matcher(Files.readString(THREAT_MODEL));
        while (m.find()) {
            spans.add(m.group(1).trim());
        }
        return spans;
    }

    /**
     * One route as the threat model names it: the Nightscout API mounted again under {@code /ns/{site}} and its
     * {@code .json}, {@code .csv}, {@code .tsv} and {@code .txt} variants are the same route.
     */
    static String route(String path) {
        return path.replaceFirst("^/ns/\\{site}(?=/api/)", "").replaceAll("\\.(json|csv|tsv|txt)(?=/|$)", "");
    }

    /** {@code /api/v1/readings/{id}} → {@code /api/v1/readings}; {@code /settings/x} → {@code /settings}. */
    static String prefix(String path) {
        String[] parts = route(path).split("/");
        int keep = route(path).startsWith("/api/v1/") ? Math.min(parts.length, 4) : 2;
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < Math.min(keep, parts.length); i++) {
            b.append('/').append(parts[i]);
        }
        return b.isEmpty() ? "/" : b.toString();
    }

    /** Whether a caller without an account reaches the route (a public page or form, a link, a Nightscout secret). */
    static boolean anonymous(Access access) {
        String type = access.getClass().getSimpleName();
        return type.equals("Public") || type.equals("Link") || type.equals("Nightscout");
    }

    /** The elements that cross a trust boundary, as the threat model must name them. */
    static Set<String> elements() throws IOException {
        Set<String> out = new TreeSet<>();
        // Features (B3, B4): each package beside the platform.
        try (Stream<Path> dirs = Files.list(MAIN)) {
            dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).filter(n -> !n.equals("platform"))
                    .forEach(n -> out.add(n + "/"));
        }
        // Routes (B1–B3): every prefix, and every route a caller without an account reaches.
        for (Routes.Route r : app.app().routes()) {
            out.add(prefix(r.path()));
            if (anonymous(r.access())) {
                out.add(r.method().name().toUpperCase(java.util.Locale.ROOT) + " " + route(r.path()));
            }
        }
        // Outbound connections (B5, B6): every class of the server that opens one.
        JavaClasses server = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.mqcgm.server");
        for (JavaClass c : server) {
            boolean network = c.getDirectDependenciesFromSelf().stream().map(d -> d.getTargetClass())
                    .anyMatch(t -> t.getPackageName().equals("java.net.http") || NETWORK.contains(t.getName()));
            if (network) {
                String name = (c.isNestedClass() ? c.getEnclosingClass().orElseThrow() : c).getName();
                out.add(name.substring("org.mqcgm.server.".length()).replace('.', '/'));
            }
        }
        // The egress gateway's channels (B6): what it counts per channel.
        Matcher m = Pattern.compile("count\\(\"([a-z-]+)\"").matcher(Files.readString(
                MAIN.resolve("platform/egress/Egress.java")));
        while (m.find()) {
            out.add("egress:" + m.group(1));
        }
        return out;
    }

    /** Classes that open connections to other machines (as {@code EgressArchitectureTest} counts them). */
    static final Set<String> NETWORK = Set.of("java.net.Socket", "java.net.URLConnection",
            "java.net.HttpURLConnection", "java.net.DatagramSocket", "java.net.MulticastSocket",
            "javax.net.SocketFactory", "javax.net.ssl.SSLSocket", "javax.net.ssl.SSLSocketFactory",
            "javax.net.ssl.HttpsURLConnection", "java.nio.channels.SocketChannel",
            "java.nio.channels.AsynchronousSocketChannel", "java.nio.channels.DatagramChannel",
            "jakarta.mail.Transport", "jakarta.mail.Service");

    @Test
    void everyElementCrossingATrustBoundaryIsNamedInTheThreatModel() throws IOException {
        Set<String> elements = elements();
        // Not vacuous: the inventory reaches every kind of element.
        assertThat(elements).contains("accounts/", "/api/v1/readings", "GET /login",
                "platform/outbound/HttpTransfers", "egress:push");
        Set<String> missing = new TreeSet<>(elements);
        missing.removeAll(named());
        assertThat(missing).as("""
                elements crossing a trust boundary that docs/threat-model.md does not name: add each to its \
                inventory with the boundary, the attacker it meets and the defence (the rule of V1.1.2)""")
                .isEmpty();
    }
}
