package org.mqcgm.server.platform.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.mqcgm.server.ConfigException;

/**
 * The one PostgreSQL database: a HikariCP pool, Flyway migrations from {@code classpath:db/migration}, and a JDBI
 * handle that features use for their SQL.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
        // PostgreSQL keeps microseconds and rounds a finer time to the nearest one, which can store a time after the
        // instant it records (a link "ended now" stayed live for the rest of that microsecond to a clock with
        // nanoseconds). Times are bound cut to the microsecond instead: a stored time is never after its moment.
        jdbi.registerArgument(new org.jdbi.v3.core.argument.AbstractArgumentFactory<java.time.Instant>(
                java.sql.Types.TIMESTAMP_WITH_TIMEZONE) {
            @Override
            protected org.jdbi.v3.core.argument.Argument build(java.time.Instant value,
                                                                org.jdbi.v3.core.config.ConfigRegistry config) {
                return (position, statement, context) -> statement.setObject(position,
                        value.truncatedTo(java.time.temporal.ChronoUnit.MICROS).atOffset(java.time.ZoneOffset.UTC));
            }
        });
        jdbi.registerArgument(new org.jdbi.v3.core.argument.AbstractArgumentFactory<java.time.OffsetDateTime>(
                java.sql.Types.TIMESTAMP_WITH_TIMEZONE) {
            @Override
            protected org.jdbi.v3.core.argument.Argument build(java.time.OffsetDateTime value,
                                                                org.jdbi.v3.core.config.ConfigRegistry config) {
                return (position, statement, context) -> statement.setObject(position,
                        value.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
            }
        });
    }

    /**
     * Opens a pool. Connection failures are reported as a {@link ConfigException} naming the URL setting, since on
     * a fresh installation they almost always are a wrong URL, user or password.
     */
    public static Database open(String url, String user, String password, int poolSize) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(poolSize);
        c.setMinimumIdle(Math.min(2, poolSize));
        c.setPoolName("mqcgm");
        c.setConnectionTimeout(10_000);
        c.setInitializationFailTimeout(10_000);
        c.addDataSourceProperty("reWriteBatchedInserts", "true");
        c.addDataSourceProperty("ApplicationName", "mqcgm");
        c.addDataSourceProperty("connectTimeout", "10");
        try {
            return new Database(new HikariDataSource(c));
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            String setting = reason.contains("password") ? "MQCGM_DB_PASSWORD"
                    : reason.contains("role") ? "MQCGM_DB_USER" : "MQCGM_DB_URL";
            throw new ConfigException(setting, "cannot connect to " + url + ": " + firstLine(reason));
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Applies pending migrations and returns how many ran. */
    public int migrate() {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return result.migrationsExecuted;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** Publishes the pool's gauges and timings (active, idle, pending connections, wait time) to a registry. */
    public void measureWith(io.micrometer.core.instrument.MeterRegistry registry) {
        dataSource.setMetricsTrackerFactory(
                new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(registry));
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** True when a trivial query succeeds within two seconds; used by {@code /readyz}. */
    public boolean isReachable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
