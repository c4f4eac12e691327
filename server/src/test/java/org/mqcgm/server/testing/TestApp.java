package org.mqcgm.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mqcgm.server.App;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.outbound.SmtpSender;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/**
 * The real server on a random loopback port over its own fresh database, for HTTP tests. Password hashing is made
 * cheap (tests create many accounts); everything else is production code and configuration. E-mail goes to an
 * SMTP server when one is given (GreenMail in tests), otherwise — like SMS — to an outbox folder the test reads.
 *
 * <p>One app per test class is a JUnit extension: {@code @RegisterExtension static final TestApp app =
 * TestApp.perClass();} starts it before the class's {@code @BeforeAll} methods and closes it after its
 * {@code @AfterAll} methods. A test that needs an app of its own starts one with {@link #start()} in
 * try-with-resources.
 */
public final class TestApp implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    /** Cheap Argon2 for tests only; the default cost is checked by its own test. */
    public static final ServerConfig.Argon2Cost TEST_ARGON2 = new ServerConfig.Argon2Cost(1024, 1, 1);
    public static final String PASSWORD = "glucose meter blue river";
    /** The date of birth of the tests' accounts: an adult's, so no guardian is needed and login asks nothing. */
    public static final String ADULT_BIRTH_DATE = "1990-01-01";

    /** A started app, its database and its folder (master key, outbox). */
    private record Running(App app, String jdbcUrl, Path dir) {
    }

    /** How a per-class app is started; null for an app started at once. */
    private final Supplier<Running> starter;
    /** The class whose lifecycle owns this app (nested classes see the same app). */
    private String owner;
    private volatile Running running;

    private TestApp(Supplier<Running> starter, Running running) {
        this.starter = starter;
        this.running = running;
    }

    // ---- one app per test class (a JUnit extension) ----

    /** An app for the whole test class: register on a static field with {@code @RegisterExtension}. */
    public static TestApp perClass() {
        return perClass(Clock.systemUTC());
    }

    /** As {@link #perClass()}, with a given data clock (time-dependent glucose tests). */
    public static TestApp perClass(Clock dataClock) {
        return perClass(dataClock, Clock.systemUTC());
    }

    /** As {@link #perClass()}, with given clocks of data and of the system (a {@link MutableClock} to move time). */
    public static TestApp perClass(Clock dataClock, Clock systemClock) {
        return perClass(dataClock, systemClock, () -> null);
    }

    /**
     * As {@link #perClass()}; {@code smtp} is asked when the app starts (an SMTP server extension registered
     * before this one has its port by then) and may give null for the outbox.
     */
    public static TestApp perClass(Clock dataClock, Clock systemClock, Supplier<SmtpSender.Settings> smtp) {
        return perClass(dataClock, systemClock, smtp, UnaryOperator.identity());
    }

    /** As {@link #perClass()}, with the test's own settings on top. */
    public static TestApp perClass(UnaryOperator<ServerConfig> settings) {
        return perClass(Clock.systemUTC(), Clock.systemUTC(), () -> null, settings);
    }

    /** As {@link #perClass(Clock, Clock, Supplier)}, with the test's own settings on top. */
    public static TestApp perClass(Clock dataClock, Clock systemClock, Supplier<SmtpSender.Settings> smtp,
                                   UnaryOperator<ServerConfig> settings) {
        return new TestApp(() -> launch(dataClock, systemClock, smtp.get(), settings), null);
    }

    /** As {@link #startBehindProxy(String, Clock)}, for the whole test class. */
    public static TestApp perClassBehindProxy(String trustedProxies, Clock systemClock) {
        return perClass(Clock.systemUTC(), systemClock, () -> null, behindProxy(trustedProxies));
    }

    /** As {@link #startWithPublicUrl(String)}, for the whole test class. */
    public static TestApp perClassWithPublicUrl(String publicUrl) {
        return perClass(c -> c.withPublicUrl(publicUrl));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (starter == null) {
            throw new IllegalStateException("an app started by TestApp.start(...) is not an extension; "
                    + "use TestApp.perClass(...)");
        }
        if (running == null) {
            owner = context.getUniqueId();
            running = starter.get();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (running != null && context.getUniqueId().equals(owner)) {
            close();
        }
    }

    // ---- an app of the test's own (try-with-resources) ----

    public static TestApp start() {
        return start(Clock.systemUTC());
    }

    /** Starts with a given data clock (time-dependent glucose tests). */
    public static TestApp start(Clock dataClock) {
        return start(dataClock, Clock.systemUTC(), null);
    }

    /**
     * @param dataClock   the clock of glucose data
     * @param systemClock the clock of sessions, codes and jobs (a {@link MutableClock} to move time)
     * @param smtp        an SMTP server for e-mail, or null for the outbox
     */
    public static TestApp start(Clock dataClock, Clock systemClock, SmtpSender.Settings smtp) {
        return start(dataClock, systemClock, smtp, UnaryOperator.identity());
    }

    /** Starts with a given public URL ({@code MQCGM_PUBLIC_URL}; https:// turns on {@code __Host-} cookies). */
    public static TestApp startWithPublicUrl(String publicUrl) {
        return start(Clock.systemUTC(), Clock.systemUTC(), null, c -> c.withPublicUrl(publicUrl));
    }

    /** As {@link #start(Clock, Clock, SmtpSender.Settings)}, with the test's own settings on top. */
    public static TestApp start(Clock dataClock, Clock systemClock, SmtpSender.Settings smtp,
                                UnaryOperator<ServerConfig> settings) {
        return new TestApp(null, launch(dataClock, systemClock, smtp, settings));
    }

    /** Starts behind a reverse proxy: {@code trustedProxies} (CIDRs) are believed about the client's address. */
    public static TestApp startBehindProxy(String trustedProxies, Clock systemClock) {
        return start(Clock.systemUTC(), systemClock, null, behindProxy(trustedProxies));
    }

    private static UnaryOperator<ServerConfig> behindProxy(String trustedProxies) {
        return c -> c.withClientAddress(new ClientAddress.Settings(
                ClientAddress.Settings.parseNetworks(trustedProxies), ClientAddress.Header.X_FORWARDED_FOR));
    }

    /**
     * Starts on a database of the test's own (empty or migrated; the app migrates it), which the test may stop and
     * restart under the running server.
     */
    public static TestApp startOn(String jdbcUrl, String user, String password,
                                  UnaryOperator<ServerConfig> settings) {
        return new TestApp(null, launch(jdbcUrl, user, password, Clock.systemUTC(), Clock.systemUTC(), null,
                settings));
    }

    private static Running launch(Clock dataClock, Clock systemClock, SmtpSender.Settings smtp,
                                  UnaryOperator<ServerConfig> settings) {
        return launch(TestDatabase.fresh(), TestDatabase.user(), TestDatabase.password(), dataClock, systemClock,
                smtp, settings);
    }

    private static Running launch(String url, String user, String password, Clock dataClock, Clock systemClock,
                                  SmtpSender.Settings smtp, UnaryOperator<ServerConfig> settings) {
        try {
            Path dir = Files.createTempDirectory("mqcgm-test-");
            Path key = dir.resolve("master-key.json");
            MasterKey.generate(key);
            ServerConfig config = new ServerConfig(url, user, password, 8, key,
                    "127.0.0.1", 0, 1_000_000, TEST_ARGON2, ServerConfig.DEFAULT_SESSION_IDLE,
                    ServerConfig.DEFAULT_SESSION_ABSOLUTE, smtp,
                    dir.resolve("outbox"), "http://mqcgm.test");
            // Push endpoints on loopback over http (testing/PushService), as in the demo; production refuses them.
            config = config.withPush(config.push().withLoopbackHttp(true));
            return new Running(App.start(settings.apply(config), dataClock, systemClock), url, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Running running() {
        Running r = running;
        if (r == null) {
            throw new IllegalStateException("the app is not running: register TestApp.perClass(...) with "
                    + "@RegisterExtension on a static field, or use TestApp.start(...)");
        }
        return r;
    }

    /** The master key file of this app. */
    public Path masterKeyFile() {
        return running().dir().resolve("master-key.json");
    }

    public App app() {
        return running().app();
    }

    /**
     * A web session of a new administrator with two-factor authentication on (what admin pages ask), started at
     * {@code systemClock}'s time — the app's clock of sessions and codes.
     */
    public Http adminSession(java.time.Clock systemClock) {
        UUID id = newUser("admin-" + UUID.randomUUID() + "@example.org");
        app().accounts().grantRole(id, org.mqcgm.server.platform.security.Role.ADMIN);
        String secret = app().accounts().startTwoFactor(id).secret();
        app().accounts().enableTwoFactor(id, TestTotp.code(secret, systemClock.instant().getEpochSecond()),
                org.mqcgm.server.accounts.ClientFacts.NONE);
        Http http = new Http(url());
        http.setCookie("SESSION", new org.mqcgm.server.accounts.Sessions(sql(), systemClock,
                ServerConfig.DEFAULT_SESSION_IDLE, ServerConfig.DEFAULT_SESSION_ABSOLUTE).start(id, org.mqcgm.server.accounts.ClientFacts.NONE));
        return http;
    }

    /** A web session of {@code identifier} through the login form with the tests' password (it must succeed). */
    public Http login(String identifier) {
        Http http = new Http(url());
        java.net.http.HttpResponse<String> r = http.postForm("/login", java.util.Map.of("identifier", identifier,
                "password", PASSWORD));
        if (r.statusCode() != 303) {
            throw new AssertionError(identifier + " logs in: expected 303 but was " + r.statusCode() + ": "
                    + r.body());
        }
        return http;
    }

    public String url() {
        return "http://127.0.0.1:" + app().port();
    }

    public String jdbcUrl() {
        return running().jdbcUrl();
    }

    /** Direct SQL access to this app's database, for assertions on what is stored. */
    public Jdbi sql() {
        return Jdbi.create(jdbcUrl(), TestDatabase.user(), TestDatabase.password());
    }

    /**
     * Creates a verified account directly (no HTTP) that consents to the processing of its glucose data, and
     * returns its id.
     */
    public UUID newUser(String identifier, String password) {
        return newUser(identifier, password, java.time.ZoneId.of("Europe/Berlin"));
    }

    /** As {@link #newUser(String, String)}, living in {@code zone}. */
    public UUID newUser(String identifier, String password, java.time.ZoneId zone) {
        UUID id = app().accounts().createVerified(identifier, password, zone.getId(), Language.EN, ADULT_BIRTH_DATE);
        app().consents().record(id, org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA, true, "test");
        return id;
    }

    /** A verified account that has not (yet) consented to the processing of health data. */
    public UUID newUserWithoutConsent(String identifier) {
        return app().accounts().createVerified(identifier, PASSWORD, "Europe/Berlin", Language.EN, ADULT_BIRTH_DATE);
    }

    public UUID newUser(String identifier) {
        return newUser(identifier, PASSWORD);
    }

    /**
     * A new user with a token holding {@code scopes} (all when none are given); returns the token. It never
     * expires (explicitly chosen, as a person could), so that tests moving the clock by years keep their caller.
     */
    public String newUserToken(String identifier, Scope... scopes) {
        UUID id = newUser(identifier);
        Set<Scope> set = scopes.length == 0 ? EnumSet.allOf(Scope.class) : EnumSet.of(scopes[0], scopes);
        return app().apiTokens().create(id, "test", set, org.mqcgm.server.accounts.ApiTokens.Lifetime.NEVER);
    }

    /**
     * Waits (at most {@link Wait#LIMIT}) for a message to {@code to} in the outbox whose text matches {@code pattern}
     * and returns the pattern's first group. Messages are sent in the background, so this polls the folder.
     */
    public String awaitOutbox(String to, Pattern pattern) {
        return Wait.until("an outbox message to " + to + " matching " + pattern,
                () -> outboxMessages().filter(m -> m.startsWith("To: " + to + "\n")).map(pattern::matcher)
                        .filter(Matcher::find).map(m -> m.group(1)).reduce((a, b) -> b),
                Optional::isPresent).orElseThrow();
    }

    /** Every message in the outbox, oldest first (decrypted by the app's outbox, which keeps them encrypted). */
    public Stream<String> outboxMessages() {
        return app().outbox().messages().stream();
    }

    @Override
    public void close() {
        Running r = running;
        if (r == null) {
            return;
        }
        running = null;
        r.app().close();
        try (var files = Files.walk(r.dir())) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
