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

    private final HikariDataSource pool;
    /** What the application connects through: the pool, failing at once while the database is away. */
    private final FailFast dataSource;
    private final Jdbi jdbi;

    private Database(HikariDataSource pool) {
        this.pool = pool;
        this.dataSource = new FailFast(pool);
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
        boolean passwordFile = org.mqcgm.server.platform.security.SecretFile.isReference(password);
        if (passwordFile) {
            // MQCGM_DB_PASSWORD_FILE (issue 16, V2.10.1): read again for every new physical connection, so the
            // role's password can be rotated (by an operator or a vault agent) without a restart.
            c.setDataSource(new PasswordFileDataSource(url, user, password));
        } else {
            c.setJdbcUrl(url);
            c.setUsername(user);
            c.setPassword(password);
            c.addDataSourceProperty("reWriteBatchedInserts", "true");
            c.addDataSourceProperty("ApplicationName", "mqcgm");
            c.addDataSourceProperty("connectTimeout", "10");
        }
        c.setMaximumPoolSize(poolSize);
        c.setMinimumIdle(Math.min(2, poolSize));
        c.setPoolName("mqcgm");
        c.setConnectionTimeout(10_000);
        c.setInitializationFailTimeout(10_000);
        try {
            return new Database(new HikariDataSource(c));
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            String setting = reason.contains("password") ? (passwordFile ? "MQCGM_DB_PASSWORD_FILE" : "MQCGM_DB_PASSWORD")
                    : reason.contains("role") ? "MQCGM_DB_USER" : "MQCGM_DB_URL";
            throw new ConfigException(setting, "cannot connect to " + url + ": " + firstLine(reason));
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * Applies pending migrations and returns how many ran. A role that may not create objects in its schema (the
     * runtime role of a deployment whose migrations run under their own role, see {@code docs/deployment.md})
     * migrates nothing: it checks that no migration is pending and otherwise stops with a {@link ConfigException}
     * naming {@code mqcgm migrate}.
     */
    public int migrate() {
        if (!mayCreate()) {
            int pending = flyway().info().pending().length;
            if (pending > 0) {
                throw new ConfigException("MQCGM_DB_USER", "the database role may not create tables and " + pending
                        + " migrations are pending: run 'mqcgm migrate' under the migration role"
                        + " (MQCGM_MIGRATION_DB_USER) first");
            }
            return 0;
        }
        MigrateResult result = flyway().migrate();
        return result.migrationsExecuted;
    }

    private Flyway flyway() {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load();
    }

    /**
     * Drops a legacy table that a start-up data migration has emptied into its new home, when this role owns it; a
     * runtime role without DDL rights ({@code docs/deployment.md}) deletes its rows instead, so the step stays done
     * and idempotent, and the empty table is left to the migration role. Does nothing when the table is absent.
     */
    public static void dropOrEmpty(org.jdbi.v3.core.Handle h, String table) {
        if (!table.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        java.util.Optional<Boolean> owner = h.createQuery(
                        "select pg_has_role(current_user, c.relowner, 'USAGE') from pg_class c where c.oid = to_regclass(:t)")
                .bind("t", table).mapTo(Boolean.class).findOne();
        if (owner.isEmpty()) {
            return;
        }
        h.execute(owner.get() ? "drop table " + table : "delete from " + table);
    }

    /** Whether the connected role may create objects (tables) in its current schema. */
    public boolean mayCreate() {
        return jdbi.withHandle(h -> h.createQuery(
                "select has_schema_privilege(current_user, current_schema(), 'CREATE')")
                .mapTo(Boolean.class).one());
    }

    /**
     * Gives {@code role} (the runtime role) the rights to read and write the rows of every table and sequence in the
     * current schema, and no right to change the schema: run by {@code mqcgm migrate} under the migration role.
     */
    public void grantDataAccess(String role) {
        if (role == null || !role.matches("[A-Za-z_][A-Za-z0-9_$]{0,62}")) {
            throw new ConfigException("MQCGM_DB_USER", "must be a plain PostgreSQL role name to be granted access"
                    + " (got '" + role + "')");
        }
        String quoted = '"' + role + '"';
        jdbi.useHandle(h -> {
            String schema = '"' + h.createQuery("select current_schema()").mapTo(String.class).one()
                    .replace("\"", "\"\"") + '"';
            h.execute("grant usage on schema " + schema + " to " + quoted);
            h.execute("grant select, insert, update, delete on all tables in schema " + schema + " to " + quoted);
            h.execute("grant usage, select, update on all sequences in schema " + schema + " to " + quoted);
        });
    }

    /**
     * True when {@code e} (a cause or a chained exception) says the database could not be reached or a connection
     * to it broke, as while it restarts — a 503, not a fault of the request or of ours.
     */
    public static boolean unreachable(Throwable e) {
        return FailFast.unreachable(e);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * Publishes the pool's gauges and timings (active, idle, pending connections, wait time) to a registry, and
     * whether the database is reachable ({@code mqcgm_database_reachable}, 0 while it is away: alarm on it) with the
     * requests refused at once meanwhile ({@code mqcgm_database_refused_total}).
     */
    public void measureWith(io.micrometer.core.instrument.MeterRegistry registry) {
        pool.setMetricsTrackerFactory(
                new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(registry));
        io.micrometer.core.instrument.Gauge.builder("mqcgm_database_reachable", dataSource, d -> d.down() ? 0 : 1)
                .description("1 while the database answers, 0 from a failed attempt to connect until it is back")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("mqcgm_database_refused", dataSource,
                        FailFast::refused)
                .description("requests refused at once (503) while the database was away, without waiting")
                .register(registry);
    }

    /**
     * Closes the pool's idle connections now and its busy ones when they are returned, so that the next ones log in
     * afresh (with the password file's current content). PostgreSQL checks a password only when a connection is
     * opened; without this, connections retire after the pool's maximum lifetime (30 minutes).
     */
    public void evictConnections() {
        pool.getHikariPoolMXBean().softEvictConnections();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * True when a trivial query succeeds within two seconds; used by {@code /readyz}. While the database is known to
     * be away this answers false at once (one call a second probes it again).
     */
    public boolean isReachable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
