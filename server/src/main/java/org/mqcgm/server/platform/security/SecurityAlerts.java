package org.mqcgm.server.platform.security;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.logging.SecurityLog;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboundMessage;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerting on automated attacks and unusual activity (ASVS V11.1.8), in the product: every event of the security
 * log ({@link SecurityLog#observe}) is counted by kind, the counts of all nodes together in PostgreSQL
 * ({@code security_event_count}, buckets of a tenth of the window, so the window slides in tenths), and when the
 * events of one kind within its window reach its threshold the operator is e-mailed — once per window and kind
 * across all nodes ({@code security_alert}, claimed by one conditional statement) — with the counts only: the kind,
 * the number, the window and the threshold; never a person, an address or an id.
 *
 * <p>Thresholds: {@code MQCGM_SECURITY_ALERT_<KIND>=<events>/<window>} (window in s, m, h or d, at most one day)
 * or {@code off}, for the kinds of {@link #DEFAULTS} (e.g. {@code MQCGM_SECURITY_ALERT_CREDENTIAL_REJECTED=50/10m}:
 * failed logins and rejected tokens across every account). Recipients: {@code MQCGM_SECURITY_ALERT_EMAIL}
 * (comma-separated), by default the controller's contact address ({@code MQCGM_CONTROLLER_EMAIL}). Operators also
 * read {@code mqcgm_security_events_total{kind}} (this node's events) and {@code mqcgm_security_alerts_total{kind}}
 * (alerts this node sent) on {@code /metrics}.
 *
 * <p>Cost: an event only increments a counter in memory; each node writes its counts every
 * {@link #FLUSH_EVERY} (one statement per kind that had events), whatever the attack's rate.
 */
public final class SecurityAlerts implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SecurityAlerts.class);
    /** How often a node writes its counts and checks the thresholds. */
    static final Duration FLUSH_EVERY = Duration.ofSeconds(2);
    private static final String PREFIX = "MQCGM_SECURITY_ALERT_";
    /** The setting naming the alerts' recipients. */
    public static final String EMAIL = PREFIX + "EMAIL";

    /** A threshold: {@code events} of a kind within {@code window}. */
    public record Rule(int events, Duration window) {
        public Rule {
            if (events < 1) {
                throw new IllegalArgumentException("must be at least one event");
            }
            if (window.toSeconds() < 1 || window.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("the window must be from 1 second to 1 day");
            }
        }

        /** {@code <events>/<window>} ({@code 50/10m}, {@code 5/30s}, {@code 10/1d}); {@code off} is null. */
        public static Rule parse(String text) {
            String t = text.trim();
            if (t.equalsIgnoreCase("off")) {
                return null;
            }
            try {
                RateLimits.Rule r = RateLimits.Rule.parse(t);
                return new Rule(r.permits(), r.window());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be <events>/<window> with a window in s, m, h or d from 1s"
                        + " to 1d, such as 50/10m, or off (got '" + text + "')");
            }
        }

        /** The window in words for the alert ({@code 10 minutes}). */
        String windowText() {
            long s = window.toSeconds();
            return s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s";
        }
    }

    /**
     * The kinds alerted on by default, with their thresholds: failed logins and rejected tokens across accounts,
     * failed second factors, locked accounts, CSRF refusals, access-control denials, rate-limit refusals, refused
     * input, role grants.
     */
    public static final Map<String, Rule> DEFAULTS;

    static {
        Map<String, Rule> d = new LinkedHashMap<>();
        d.put("credential.rejected", new Rule(50, Duration.ofMinutes(10)));
        d.put("two-factor.failed", new Rule(20, Duration.ofMinutes(10)));
        d.put("account.locked", new Rule(5, Duration.ofMinutes(10)));
        d.put("csrf.refused", new Rule(20, Duration.ofMinutes(10)));
        d.put("access.denied", new Rule(100, Duration.ofMinutes(10)));
        d.put("rate-limit.refused", new Rule(100, Duration.ofMinutes(10)));
        d.put("input.refused", new Rule(500, Duration.ofMinutes(10)));
        d.put("privilege.role-granted", new Rule(3, Duration.ofHours(1)));
        DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    /** The setting of a kind: {@code credential.rejected} → {@code MQCGM_SECURITY_ALERT_CREDENTIAL_REJECTED}. */
    public static String setting(String kind) {
        return PREFIX + kind.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The thresholds by kind (a kind set {@code off} is absent) and the recipients (empty: the controller's). */
    public record Settings(Map<String, Rule> rules, List<String> recipients) {
        public static final Settings DEFAULT = new Settings(DEFAULTS, List.of());

        public Settings {
            rules = Map.copyOf(rules);
            recipients = List.copyOf(recipients);
        }

        /**
         * Reads the {@code MQCGM_SECURITY_ALERT_*} settings.
         *
         * @throws IllegalArgumentException whose message starts with the setting's name and {@code ": "}
         */
        public static Settings parse(Map<String, String> settings) {
            Map<String, String> byName = new LinkedHashMap<>();
            DEFAULTS.keySet().forEach(k -> byName.put(setting(k), k));
            Map<String, Rule> rules = new LinkedHashMap<>(DEFAULTS);
            List<String> recipients = new ArrayList<>();
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(settings).entrySet()) {
                String name = e.getKey();
                if (!name.startsWith(PREFIX) || e.getValue() == null) {
                    continue;
                }
                if (name.equals(EMAIL)) {
                    for (String a : e.getValue().split(",")) {
                        String address = a.trim();
                        if (address.isEmpty()) {
                            continue;
                        }
                        if (!address.matches("[^@\\s,]+@[^@\\s,]+\\.[^@\\s,]+")) {
                            throw new IllegalArgumentException(name + ": not an e-mail address: '" + address + "'");
                        }
                        recipients.add(address);
                    }
                    continue;
                }
                String kind = byName.get(name);
                if (kind == null) {
                    throw new IllegalArgumentException(name + ": no such security alert; the kinds are "
                            + String.join(", ", byName.keySet()));
                }
                try {
                    Rule r = Rule.parse(e.getValue());
                    if (r == null) {
                        rules.remove(kind);
                    } else {
                        rules.put(kind, r);
                    }
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException(name + ": " + x.getMessage());
                }
            }
            return new Settings(rules, recipients);
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final Settings settings;
    private final List<String> recipients;
    private final MeterRegistry meters;
    private final Outbound outbound;
    private final String site;
    private final Map<String, LongAdder> pending = new ConcurrentHashMap<>();
    private final AutoCloseable observation;
    private final ScheduledExecutorService flusher;
    private volatile Instant purged = Instant.EPOCH;

    private SecurityAlerts(Jdbi jdbi, Clock clock, Settings settings, String controllerEmail, MeterRegistry meters,
                           Outbound outbound, String site) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.settings = settings;
        this.recipients = settings.recipients().isEmpty() ? List.of(controllerEmail) : settings.recipients();
        this.meters = meters;
        this.outbound = outbound;
        this.site = site;
        settings.rules().keySet().forEach(k -> pending.put(k, new LongAdder()));
        this.observation = SecurityLog.observe(this::event);
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "security-alerts");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushLogged, FLUSH_EVERY.toMillis(), FLUSH_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Starts counting this node's security events and alerting.
     *
     * @param controllerEmail the recipient when {@code MQCGM_SECURITY_ALERT_EMAIL} is not set
     * @param site            the server's public URL, named in the alert
     */
    public static SecurityAlerts start(Jdbi jdbi, Clock clock, Settings settings, String controllerEmail,
                                       MeterRegistry meters, Outbound outbound, String site) {
        return new SecurityAlerts(jdbi, clock, settings, controllerEmail, meters, outbound, site);
    }

    /** One event of {@code kind} (the security log's observer): counted in memory only. */
    void event(String kind) {
        meters.counter("mqcgm.security.events", "kind", kind).increment();
        LongAdder n = pending.get(kind);
        if (n != null) {
            n.increment();
        }
    }

    private void flushLogged() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("security alerts: could not count events: {}",
                    org.mqcgm.server.platform.db.SafeErrors.describe(e));
        }
    }

    /** Writes this node's counts and alerts where a threshold is reached; returns the alerts sent. */
    int flush() {
        Instant now = clock.instant();
        int sent = 0;
        for (Map.Entry<String, LongAdder> e : pending.entrySet()) {
            long n = e.getValue().sumThenReset();
            if (n == 0) {
                continue;
            }
            String kind = e.getKey();
            Rule rule = settings.rules().get(kind);
            long length = Math.max(1, rule.window().toSeconds() / 10);
            Instant bucket = Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), length) * length);
            Instant from = now.minus(rule.window());
            long total = jdbi.inTransaction(h -> {
                h.createUpdate("""
                                insert into security_event_count (kind, bucket, events) values (:k, :b, :n)
                                on conflict (kind, bucket) do update set events = security_event_count.events + :n""")
                        .bind("k", kind).bind("b", bucket.atOffset(ZoneOffset.UTC)).bind("n", n).execute();
                return h.createQuery("""
                                select coalesce(sum(events), 0) from security_event_count
                                where kind = :k and bucket > :from""")
                        .bind("k", kind).bind("from", from.atOffset(ZoneOffset.UTC)).mapTo(Long.class).one();
            });
            if (total < rule.events()) {
                continue;
            }
            // One alert per kind and window across all nodes: the node whose statement updates the row sends it.
            boolean claimed = jdbi.withHandle(h -> h.createQuery("""
                            insert into security_alert (kind, sent_at, events) values (:k, :now, :n)
                            on conflict (kind) do update set sent_at = excluded.sent_at, events = excluded.events
                            where security_alert.sent_at <= :from
                            returning kind""")
                    .bind("k", kind).bind("now", now.atOffset(ZoneOffset.UTC)).bind("n", total)
                    .bind("from", from.atOffset(ZoneOffset.UTC)).mapTo(String.class).findOne().isPresent());
            if (claimed) {
                alert(kind, total, rule, now);
                sent++;
            }
        }
        if (now.isAfter(purged.plus(Duration.ofMinutes(10)))) {
            purged = now;
            jdbi.useHandle(h -> h.createUpdate("delete from security_event_count where bucket < :before")
                    .bind("before", now.minus(Duration.ofDays(1)).minusSeconds(60).atOffset(ZoneOffset.UTC))
                    .execute());
        }
        return sent;
    }

    private void alert(String kind, long total, Rule rule, Instant now) {
        meters.counter("mqcgm.security.alerts", "kind", kind).increment();
        log.warn("security alert: {} events of {} within {} (threshold {})", total, kind, rule.windowText(),
                rule.events());
        Messages m = Messages.of(Language.EN);
        String next = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(now.plus(rule.window()).atOffset(ZoneOffset.UTC)
                .withNano(0));
        String subject = m.t("security.mail.alert.subject", kind);
        String body = m.t("security.mail.alert.body", String.valueOf(total), kind, rule.windowText(),
                String.valueOf(rule.events()), site, next, setting(kind));
        for (String to : recipients) {
            outbound.send(new OutboundMessage(OutboundMessage.Channel.EMAIL, to, subject, body));
        }
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        try {
            observation.close();
        } catch (Exception e) {
            // removing an observer does not fail
        }
    }
}
