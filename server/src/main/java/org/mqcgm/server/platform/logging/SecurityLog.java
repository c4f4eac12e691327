package org.mqcgm.server.platform.logging;

import java.util.Map;

/**
 * The structured security log (ASVS V7): one JSON line per security event — an access denial, a CSRF refusal, a
 * rejected credential, a lock, a failed second factor, a change of privileges — on the logger {@value #LOGGER}
 * (always at INFO, whatever {@code MQCGM_LOG_LEVEL} says), and in {@code mqcgm-security.log} under
 * {@code MQCGM_LOG_DIR} when set ({@link LogFiles}).
 *
 * <p>A line says when, what ({@code kind}), who (the principal's account id and the credential's id — never a
 * secret), from where (the client address), on which route and under which rule. It never holds personal data nor
 * health data: only the fields of {@link SecurityLogLine#FIELDS} are written (any other field is dropped, so a
 * glucose value or a name passed by mistake never reaches the file), ids must look like ids, and what looks like an
 * e-mail address or a phone number is masked.
 */
public interface SecurityLog {

    /** The logger every security event is written to. */
    String LOGGER = "mqcgm.security";

    /**
     * Records an event.
     *
     * @param kind   what happened, lower case with dots and dashes ({@code access.denied}, {@code csrf.refused})
     * @param fields its facts, by name; only allowed names are written, see {@link SecurityLogLine#FIELDS}
     */
    void event(String kind, Map<String, Object> fields);

    /**
     * Tells {@code observer} the kind of every event from now on (the kind only: never a field), until the returned
     * handle is closed. The security alerts count events through it ({@code platform.security.SecurityAlerts}).
     */
    static AutoCloseable observe(java.util.function.Consumer<String> observer) {
        SecurityLogLine.OBSERVERS.add(observer);
        return () -> SecurityLogLine.OBSERVERS.remove(observer);
    }

    /** The server's security log. */
    static SecurityLog get() {
        return SecurityLogLine.LOG;
    }
}
