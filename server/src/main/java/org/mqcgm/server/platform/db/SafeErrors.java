package org.mqcgm.server.platform.db;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Exceptions made safe to log. A failed SQL statement's exception carries its bound values (Jdbi appends
 * {@code arguments:{…}} to its message, PostgreSQL quotes key values in its detail) — a glucose value, an owner id,
 * a note. When an exception chain involves SQL, only the classes and the SQL state are kept; the stack frames are
 * kept too, since they hold no data. Chains without SQL are returned as they are.
 */
public final class SafeErrors {

    private SafeErrors() {
    }

    /** One line for a log: the exception's class (and SQL state), its message only when no SQL is involved. */
    public static String describe(Throwable e) {
        if (e == null) {
            return "null";
        }
        if (!involvesSql(e)) {
            return e.toString();
        }
        String state = sqlState(e);
        return e.getClass().getName() + (state == null ? "" : " (SQL state " + state + ")");
    }

    /**
     * The exception to pass to a logger: {@code e} itself when no SQL is involved, otherwise a copy of the chain
     * with the same stack frames whose messages name only the original class and SQL state.
     */
    public static Throwable scrub(Throwable e) {
        if (e == null || !involvesSql(e)) {
            return e;
        }
        return copy(e, new IdentityHashMap<>());
    }

    private static Throwable copy(Throwable e, Map<Throwable, Boolean> seen) {
        seen.put(e, Boolean.TRUE);
        String state = e instanceof SQLException s ? s.getSQLState() : null;
        Throwable cause = e.getCause() == null || seen.containsKey(e.getCause()) ? null : copy(e.getCause(), seen);
        Scrubbed s = new Scrubbed(e.getClass().getName() + (state == null ? "" : " (SQL state " + state + ")"),
                cause);
        s.setStackTrace(e.getStackTrace());
        return s;
    }

    /**
     * For the log of an unexpected failure, where any message could quote input (a value from a request, a template
     * model, a note): the chain's classes and SQL state, never a message, with the original stack frames.
     */
    public static Throwable withoutMessages(Throwable e) {
        return e == null ? null : copy(e, new IdentityHashMap<>());
    }

    /** One line naming the chain's outermost class (and SQL state), never a message. */
    public static String classOnly(Throwable e) {
        if (e == null) {
            return "null";
        }
        String state = sqlState(e);
        return e.getClass().getName() + (state == null ? "" : " (SQL state " + state + ")");
    }

    /** True when the chain holds a JDBC, PostgreSQL or Jdbi exception. */
    static boolean involvesSql(Throwable e) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = e; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            String name = t.getClass().getName();
            if (t instanceof SQLException || name.startsWith("org.jdbi.") || name.startsWith("org.postgresql.")
                    || name.startsWith("com.zaxxer.hikari.") || name.startsWith("org.flywaydb.")) {
                return true;
            }
        }
        return false;
    }

    private static String sqlState(Throwable e) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = e; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }

    /** An exception standing in for one whose message could hold bound values. */
    static final class Scrubbed extends RuntimeException {
        Scrubbed(String message, Throwable cause) {
            super(message, cause, false, true);
        }
    }
}
