package org.mqcgm.server.sharing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * Refuses invitation guessing (PR-24): after {@code limit} wrong invitation codes in {@link #WINDOW} under one key
 * (an account: {@link #LIMIT}; a client address, shared by the people behind it: {@link #CLIENT_LIMIT}), every
 * further attempt is a 429 until the window has passed. A code is 256 random bits, so this only keeps a guesser
 * from costing the server; counted per node.
 */
final class GuessLimiter {

    static final int LIMIT = 10;
    static final int CLIENT_LIMIT = 50;
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final Clock clock;
    private final int limit;
    private final Cache<String, Deque<Instant>> failures = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterAccess(WINDOW).build();

    GuessLimiter(Clock clock, int limit) {
        this.clock = clock;
        this.limit = limit;
    }

    /** Throws 429 when one of the keys has used up its wrong guesses. */
    void check(String... keys) {
        Instant now = clock.instant();
        for (String key : keys) {
            Deque<Instant> list = failures.getIfPresent(key);
            if (list == null) {
                continue;
            }
            synchronized (list) {
                list.removeIf(t -> !t.isAfter(now.minus(WINDOW)));
                if (list.size() >= limit) {
                    long seconds = Math.max(1, Duration.between(now, list.peekFirst().plus(WINDOW)).toSeconds());
                    throw new ProblemException(Problem.of(429, "too-many-attempts", "Too many attempts",
                            "Too many wrong invitation codes. Try again later.").with("retryAfter", seconds));
                }
            }
        }
    }

    /** Counts a wrong guess against every key. */
    void failed(String... keys) {
        Instant now = clock.instant();
        for (String key : keys) {
            Deque<Instant> list = failures.get(key, k -> new ArrayDeque<>());
            synchronized (list) {
                list.addLast(now);
                while (list.size() > limit) {
                    list.removeFirst();
                }
            }
        }
    }
}
