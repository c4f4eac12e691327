package org.mqcgm.server.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.mqcgm.localdb.LocalPostgres;
import org.mqcgm.server.platform.db.Database;

/**
 * One embedded PostgreSQL per test JVM. The schema is migrated once into a template database; every test (class)
 * gets its own database copied from the template in a few milliseconds, so tests never see each other's rows.
 * Its commits are not waited for on disk ({@link LocalPostgres#startForTests()}): test data does not outlive the JVM.
 *
 * <p>With the system property {@code mqcgm.test.database=citus} (the Citus profile: {@code ./mqcgm test --citus},
 * {@code -Pcitus}) the same happens on a local Citus cluster instead ({@link CitusCluster}: a coordinator and
 * {@code mqcgm.test.citus.workers} workers, two by default): the template is migrated on the coordinator and
 * distributed, and every test's database is a copy of it on each node, so the tests run unchanged against the
 * coordinator.
 */
public final class TestDatabase {

    private static final String TEMPLATE = "mqcgm_template";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static LocalPostgres postgres;
    private static CitusCluster citus;
    private static RuntimeException citusFailure;

    /** Whether this JVM's tests run against a local Citus cluster (the Citus profile). */
    public static boolean onCitus() {
        return "citus".equals(System.getProperty("mqcgm.test.database"));
    }

    /** The local Citus cluster of the Citus profile (started, with the template, on first use). */
    public static CitusCluster citus() {
        return cluster();
    }

    private static synchronized CitusCluster cluster() {
        if (citusFailure != null) {
            throw citusFailure; // once per JVM: every later test class fails at once with the same cause
        }
        if (citus == null) {
            try {
                CitusCluster c = CitusCluster.start(Integer.getInteger("mqcgm.test.citus.workers", 2));
                citus = c;
                c.createDistributedDatabase(TEMPLATE);
                c.migrateAndDistribute(TEMPLATE, Integer.getInteger("mqcgm.test.citus.shards", 4));
            } catch (RuntimeException e) {
                citusFailure = e;
                throw e;
            }
        }
        return citus;
    }

    private TestDatabase() {
    }

    private static synchronized LocalPostgres server() {
        if (postgres == null) {
            LocalPostgres pg = LocalPostgres.startForTests();
            pg.createDatabaseIfAbsent(TEMPLATE);
            try (Database db = Database.open(pg.jdbcUrl(TEMPLATE), pg.user(), pg.password(), 2)) {
                db.migrate();
            }
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "test-postgres-stop"));
            postgres = pg;
        }
        return postgres;
    }

    /** A fresh, migrated, empty database; returns its JDBC URL. */
    public static String fresh() {
        if (onCitus()) {
            String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
            cluster().copy(TEMPLATE, name);
            return cluster().jdbcUrl(name);
        }
        LocalPostgres pg = server();
        String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        pg.execute("create database \"" + name + "\" template " + TEMPLATE);
        return pg.jdbcUrl(name);
    }

    /** A new database without any table (not migrated): what a restore loads a backup into. */
    public static String empty() {
        LocalPostgres pg = server();
        String name = "e" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        pg.execute("create database \"" + name + "\" template template0");
        return pg.jdbcUrl(name);
    }

    public static String user() {
        if (onCitus()) {
            return CitusCluster.USER;
        }
        return server().user();
    }

    public static String password() {
        if (onCitus()) {
            return "";
        }
        return server().password();
    }
}
