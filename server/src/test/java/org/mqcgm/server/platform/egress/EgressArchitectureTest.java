package org.mqcgm.server.platform.egress;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.platform.outbound.HttpTransfers;
import org.mqcgm.server.platform.outbound.Sender;
import org.mqcgm.server.platform.outbound.WebPush;

/**
 * The one egress gateway holds by construction (PR-43, PR-49): no server class but the gateway
 * ({@code platform.egress}) and the senders it wraps ({@code platform.outbound}) opens an outbound connection (JDK
 * HTTP client, sockets, URL connections, TLS sockets, socket channels, Jakarta Mail's transport); no class but the
 * gateway calls a sender; and no code, template or resource of the server names a host to send to that is not a
 * declared recipient (an undeclared recipient fails the build). The names below are identifiers only (XML
 * namespaces, FHIR code systems) that nothing ever connects to.
 */
class EgressArchitectureTest {

    private static final JavaClasses server = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.mqcgm.server");

    /** The gateway and its senders, and the master key's KMS client (wrapped key material only, no personal data). */
    private static final String[] GATEWAY = {"org.mqcgm.server.platform.egress..",
            "org.mqcgm.server.platform.outbound..", "org.mqcgm.server.platform.crypto.kms.."};

    /** Classes that open connections to other machines. */
    static final Set<String> NETWORK = Set.of("java.net.Socket", "java.net.URLConnection",
            "java.net.HttpURLConnection", "java.net.DatagramSocket", "java.net.MulticastSocket",
            "javax.net.SocketFactory", "javax.net.ssl.SSLSocket", "javax.net.ssl.SSLSocketFactory",
            "javax.net.ssl.HttpsURLConnection", "java.nio.channels.SocketChannel",
            "java.nio.channels.AsynchronousSocketChannel", "java.nio.channels.DatagramChannel",
            "jakarta.mail.Transport", "jakarta.mail.Service");

    static com.tngtech.archunit.lang.ArchRule noOutboundNetworking(String... allowed) {
        DescribedPredicate<JavaClass> network = new DescribedPredicate<>("outbound networking") {
            @Override
            public boolean test(JavaClass c) {
                return c.getPackageName().equals("java.net.http") || NETWORK.contains(c.getName());
            }
        };
        return noClasses().that().resideOutsideOfPackages(allowed)
                .should().dependOnClassesThat(network)
                .orShould().callMethod(java.net.URL.class, "openConnection")
                .orShould().callMethod(java.net.URL.class, "openStream")
                .because("personal data leaves the server only through the egress gateway (PR-43)");
    }

    @Test
    @Tag("PR-43")
    void onlyTheGatewayAndItsSendersOpenOutboundConnections() {
        noOutboundNetworking(GATEWAY).check(server);
        // The rule is not vacuous: a class doing its own HTTP or opening a URL breaks it (these two live in this
        // test's package, so here only the package of neither counts as the gateway).
        JavaClasses smugglers = new ClassFileImporter().importClasses(HttpSmuggler.class, UrlSmuggler.class);
        assertThat(noOutboundNetworking("org.mqcgm.nowhere..").evaluate(smugglers).getFailureReport().getDetails()).hasSizeGreaterThanOrEqualTo(2);
    }

    /** What the rule forbids: a module posting data itself. */
    static final class HttpSmuggler {
        void send() throws Exception {
            java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("https://collector.example/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
        }
    }

    /** What the rule forbids: a module opening a URL. */
    static final class UrlSmuggler {
        void send() throws Exception {
            java.net.URI.create("https://collector.example/").toURL().openConnection().connect();
        }
    }

    @Test
    @Tag("PR-43")
    void onlyTheGatewayCallsTheSenders() {
        DescribedPredicate<JavaMethodCall> send = new DescribedPredicate<>("a sender's send") {
            @Override
            public boolean test(JavaMethodCall c) {
                JavaClass owner = c.getTargetOwner();
                String name = c.getName();
                return owner.isEquivalentTo(HttpTransfers.class) && (name.equals("post") || name.equals("exchange"))
                        || owner.isEquivalentTo(WebPush.class) && name.equals("send")
                        || owner.isAssignableTo(Sender.class) && name.equals("send");
            }
        };
        noClasses().that().resideOutsideOfPackages(GATEWAY)
                .should().callMethodWhere(send)
                .because("features send through platform.egress.Egress, which checks and logs (PR-43)")
                .check(server);
    }

    /** Host names in the code that are identifiers, not destinations, and why. */
    static final Map<String, String> IDENTIFIERS = Map.of(
            "www.w3.org", "XML and SVG namespaces",
            "hl7.org", "FHIR profile and extension URLs",
            "terminology.hl7.org", "FHIR code systems",
            "loinc.org", "the LOINC code system",
            "unitsofmeasure.org", "the UCUM code system",
            "localhost", "the default public URL of a development server (this machine)",
            "www.12377.cn", "the default regulator's complaint site, shown as a link people open themselves (rights desk)");

    private static final Pattern JAVA_LITERAL = Pattern.compile("\"https?://([A-Za-z0-9.-]+)");
    private static final Pattern ANY = Pattern.compile("https?://([A-Za-z0-9.-]+)");

    @Test
    @Tag("PR-49")
    void everyHostTheServerNamesIsADeclaredRecipientOrAnIdentifier() throws IOException {
        Set<String> declared = new java.util.HashSet<>(IDENTIFIERS.keySet());
        Residency.DEFAULT.recipients().forEach(r -> declared.add(r.host()));
        Map<String, String> undeclared = new TreeMap<>();
        Path main = Path.of("src", "main");
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                Pattern p = name.endsWith(".java") ? JAVA_LITERAL
                        : name.matches(".*\\.(jte|js|html|css|json|properties|webmanifest)") ? ANY : null;
                if (p == null) {
                    continue;
                }
                Matcher m = p.matcher(Files.readString(f));
                while (m.find()) {
                    String host = m.group(1).toLowerCase(java.util.Locale.ROOT);
                    if (!declared.contains(host)) {
                        undeclared.put(host, main.relativize(f).toString());
                    }
                }
            }
        }
        assertThat(undeclared).as("hosts named by the server that are not declared recipients (declare them in "
                + "the recipients file, or list an identifier here with the reason)").isEmpty();
    }
}
