package org.mqcgm.server.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.mqcgm.localdb.LocalPostgres;
import org.mqcgm.server.platform.db.Database;

/**
 * One embedded PostgreSQL per test JVM. The schema is migrated once into a template database; every test (class)
 * gets its own database copied from the template in a few milliseconds, so tests never see each other's rows.
 * Its commits are not waited for on disk ({@link LocalPostgres#startForTests()}): test data does not outlive the JVM.
 */
public final class TestDatabase {

    private static final String TEMPLATE = "mqcgm_template";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static LocalPostgres postgres;

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
        return server().user();
    }

    public static String password() {
        return server().password();
    }
}
