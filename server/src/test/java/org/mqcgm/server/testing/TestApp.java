package org.mqcgm.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.App;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;

/**
 * The real server on a random loopback port over its own fresh database, for HTTP tests. Password hashing is made
 * cheap (tests create many accounts); everything else is production code and configuration.
 */
public final class TestApp implements AutoCloseable {

    /** Cheap Argon2 for tests only; the default cost is checked by its own test. */
    public static final ServerConfig.Argon2Cost TEST_ARGON2 = new ServerConfig.Argon2Cost(1024, 1, 1);

    private final App app;
    private final String jdbcUrl;
    private final Path keyDir;

    private TestApp(App app, String jdbcUrl, Path keyDir) {
        this.app = app;
        this.jdbcUrl = jdbcUrl;
        this.keyDir = keyDir;
    }

    public static TestApp start() {
        return start(Clock.systemUTC());
    }

    /** Starts with a given data clock (time-dependent tests). */
    public static TestApp start(Clock dataClock) {
        try {
            Path keyDir = Files.createTempDirectory("mqcgm-key-");
            Path key = keyDir.resolve("master-key.json");
            MasterKey.generate(key);
            String url = TestDatabase.fresh();
            ServerConfig config = new ServerConfig(url, TestDatabase.user(), TestDatabase.password(), 8, key,
                    "127.0.0.1", 0, 1_000_000, TEST_ARGON2, Duration.ofHours(12), Duration.ofDays(7));
            return new TestApp(App.start(config, dataClock), url, keyDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The master key file of this app. */
    public Path masterKeyFile() {
        return keyDir.resolve("master-key.json");
    }

    public App app() {
        return app;
    }

    public String url() {
        return "http://127.0.0.1:" + app.port();
    }

    /** Direct SQL access to this app's database, for assertions on what is stored. */
    public Jdbi sql() {
        return Jdbi.create(jdbcUrl, TestDatabase.user(), TestDatabase.password());
    }

    /** Registers an account directly (no HTTP) and returns its id. */
    public UUID newUser(String email, String password) {
        return app.accounts().register(email, password, "Europe/Berlin", Language.EN);
    }

    /** A new user with a token holding {@code scopes}; returns the token. */
    public String newUserToken(String email, Scope... scopes) {
        UUID id = newUser(email, "correct horse battery");
        Set<Scope> set = scopes.length == 0 ? EnumSet.allOf(Scope.class) : EnumSet.of(scopes[0], scopes);
        return app.apiTokens().create(id, "test", set);
    }

    @Override
    public void close() {
        app.close();
        try (var files = Files.walk(keyDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
