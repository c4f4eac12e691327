package org.mqcgm.bench;

import java.util.concurrent.TimeUnit;
import org.mqcgm.server.App;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.accounts.PasswordHasher;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two costs of authentication: verifying a password with the configured Argon2id (the price of every login,
 * which bounds logins per second per core), and authenticating an API token on a request (the price of every
 * upload; served from the revocation-safe cache). Run: see docs/benchmarks.md.
 */
public class AccountsBenchmark {

    /** Argon2id verification at the shipped default cost (m=64 MiB, t=3, p=1). */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Passwords {
        PasswordHasher hasher;
        String hash;

        @Setup
        public void setUp() {
            hasher = new PasswordHasher(ServerConfig.Argon2Cost.DEFAULT);
            hash = hasher.hash("granite willow harbor seven");
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 3)
    @Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
    public boolean argon2idVerifyDefaultCost(Passwords p) {
        return p.hasher.verify("granite willow harbor seven", p.hash);
    }

    /** A running server over an embedded PostgreSQL with one account and one token. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Server {
        BenchServer server;
        App app;
        String token;

        @Setup(Level.Trial)
        public void setUp() {
            server = BenchServer.start(4);
            app = server.app;
            token = server.wearer("bench@example.org", java.time.ZoneOffset.UTC).token();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            server.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(1)
    public Principal tokenAuthentication(Server s) {
        return s.app.accounts().apiToken(s.token).orElseThrow();
    }
}
