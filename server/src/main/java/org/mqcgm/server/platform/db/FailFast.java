package org.mqcgm.server.platform.db;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The pool as the application sees it. While the database is away (the last attempt to connect failed), callers
 * fail at once with a {@link SQLTransientConnectionException} of SQLState {@code 08001} — answered 503 with
 * {@code Retry-After} — instead of each waiting the pool's connection timeout; one caller a second goes through to the
 * pool and finds out whether it is back, so service resumes by itself within about a second of the database.
 */
final class FailFast implements DataSource {

    /** How often, while the database is away, one caller tries the pool again. */
    static final long PROBE_NANOS = 1_000_000_000L;

    private final HikariDataSource pool;
    private final AtomicLong nextProbe = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean down;

    FailFast(HikariDataSource pool) {
        this.pool = pool;
    }

    HikariDataSource pool() {
        return pool;
    }

    /** True from a failed attempt to connect until the next successful one. */
    boolean down() {
        return down;
    }

    /** How many callers were refused at once, without waiting on the pool, because the database was away. */
    long refused() {
        return refused.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (down) {
            long now = System.nanoTime();
            long next = nextProbe.get();
            if (now - next < 0 || !nextProbe.compareAndSet(next, now + PROBE_NANOS)) {
                refused.incrementAndGet();
                throw new SQLTransientConnectionException("the database is unavailable", "08001");
            }
        }
        try {
            Connection c = pool.getConnection();
            down = false;
            return c;
        } catch (SQLException e) {
            if (unreachable(e)) {
                nextProbe.set(System.nanoTime() + PROBE_NANOS);
                down = true;
            }
            throw e;
        }
    }

    /**
     * True when {@code e}, a cause or a chained exception says the database could not be reached or the connection
     * broke (SQLState class 08, or a refused TCP connection) — not when the pool was merely busy.
     */
    static boolean unreachable(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth++ < 16; ) {
            if (t instanceof ConnectException) {
                return true;
            }
            if (t instanceof SQLException s) {
                if (s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                    return true;
                }
                if (s.getNextException() != null && s.getNextException() != t && unreachable(s.getNextException())) {
                    return true;
                }
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return false;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool's credentials are fixed");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool.isWrapperFor(type);
    }
}
