package org.mqcgm.server.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.core.alerts.AlertKind;
import org.mqcgm.core.alerts.AlertRules;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboundMessage;
import org.mqcgm.server.platform.profile.Profile;
import org.mqcgm.server.platform.profile.Profiles;
import org.mqcgm.server.platform.push.PushNotifications;
import org.mqcgm.server.platform.readings.IngestListener;
import org.mqcgm.server.platform.web.Messages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raising and delivering alerts. On ingest (the glucose feature calls {@link #storing} on the node that took the
 * upload, inside its transaction) the wearer's recent readings go through {@link AlertRules#onReadings}; each
 * trigger is stored once per episode (the store's unique key decides across nodes and concurrent uploads) after the
 * commit and, unless it fell in quiet hours, sent by push — without a glucose value unless the wearer opted in
 * (PR-13) — and by e-mail when the wearer chose it. A job sends unacknowledged alerts again (the urgent low every
 * {@link #URGENT_REPEAT}, others as the wearer chose) and escalates an unacknowledged urgent low to the followers
 * who share alerts.
 */
final class Alerting implements IngestListener {

    private static final Logger log = LoggerFactory.getLogger(Alerting.class);

    /** An unacknowledged urgent low is sent again this often. */
    static final Duration URGENT_REPEAT = Duration.ofMinutes(5);
    /** How far back the rules look on ingest. */
    static final Duration WINDOW = Duration.ofHours(1);
    private static final int BATCH = 500;
    /** How long before a sensor session's expected end the wearer is told. */
    static final Duration SENSOR_NOTICE = Duration.ofHours(6);
    static final String SENSOR_RULE = "sensor-ending/1";

    private final AlertStore store;
    private final AlertSettingsStore settings;
    private final AlertsFeature.RecentReadings readings;
    private final Consents consents;
    private final Profiles profiles;
    private final Outbound outbound;
    private final AlertsFeature.Followers followers;
    private final AlertsFeature.SensorSessions sessions;
    private final Clock dataClock;
    private final Clock systemClock;
    private volatile PushNotifications push;

    Alerting(AlertStore store, AlertSettingsStore settings, AlertsFeature.RecentReadings readings, Consents consents,
             Profiles profiles, Outbound outbound, AlertsFeature.Followers followers,
             AlertsFeature.SensorSessions sessions, PushNotifications push, Clock dataClock, Clock systemClock) {
        this.sessions = sessions;
        this.store = store;
        this.settings = settings;
        this.readings = readings;
        this.consents = consents;
        this.profiles = profiles;
        this.outbound = outbound;
        this.followers = followers;
        this.push = push;
        this.dataClock = dataClock;
        this.systemClock = systemClock;
    }

    /** Replaces the push port (tests record what would be sent). */
    void pushThrough(PushNotifications push) {
        this.push = push;
    }

    /**
     * After the upload committed (or from the evaluation job): the whole evaluation, each step in its own
     * statement — the watch first, so that a failure after it leaves the reading to the job.
     */
    @Override
    public void stored(UUID owner, Instant newest) {
        Instant now = dataClock.instant();
        if (newest.isBefore(now.minus(AlertRules.FRESH))) {
            return; // backfilled history: nothing to ring about, and nothing to read
        }
        if (!consents.granted(owner, Consents.Purpose.HEALTH_DATA)) {
            return;
        }
        AlertSettingsStore.Stored s = settings.all(owner);
        store.watch(owner, newest, silentDue(s, newest), false);
        Evaluation e = evaluate(owner, now, s);
        e.raise();
        store.evaluated(owner, newest);
    }

    /**
     * Inside the upload's transaction: the watch, the wearer's recent readings (the new ones included) and the
     * rules, all on the upload's connection and committed with it, so an upload that raises nothing costs a few
     * statements and no commit of its own. The watch is written first, marked evaluated: it locks the wearer's
     * row, so a concurrent upload of the same wearer waits for this one to commit and then sees its readings.
     * When something is to be raised, the mark is taken back (still in the transaction) and the raising is left
     * for after the commit: a node that fails in between leaves the reading to the evaluation job. A failure of
     * the rules (not of the database) leaves it to the job too, rather than failing the upload.
     */
    @Override
    public Runnable storing(UUID owner, Instant newest) {
        Instant now = dataClock.instant();
        if (newest.isBefore(now.minus(AlertRules.FRESH))
                || !consents.granted(owner, Consents.Purpose.HEALTH_DATA)) {
            return null;
        }
        AlertSettingsStore.Stored s = settings.all(owner);
        store.watch(owner, newest, silentDue(s, newest), true);
        Evaluation e;
        try {
            // In a savepoint of its own: a failed statement of the rules is undone without aborting the upload.
            e = store.inSavepoint(() -> evaluate(owner, now, s));
        } catch (RuntimeException failed) {
            store.unevaluated(owner);
            log.warn("alert rules failed for a wearer; the evaluation job tries again: {}",
                    org.mqcgm.server.platform.db.SafeErrors.describe(failed));
            return null;
        }
        if (e.nothing()) {
            return null;
        }
        // Pending until raised, whether or not this upload held the wearer's newest reading: a node failing after
        // the commit leaves it to the evaluation job.
        store.unevaluated(owner);
        return () -> {
            e.raise();
            store.evaluated(owner, newest);
        };
    }

    private static Instant silentDue(AlertSettingsStore.Stored s, Instant newest) {
        return s.rules().on(AlertKind.SIGNAL_LOSS)
                ? newest.plus(Duration.ofMinutes(s.rules().signalLossMinutes())) : null;
    }

    /** What the rules decided for a wearer's recent readings: alerts to raise (none, mostly). */
    private final class Evaluation {

        private final UUID owner;
        private final Instant now;
        private final AlertSettingsStore.Stored s;
        private final List<AlertRules.Trigger> triggers;
        private final Instant windowFirst;
        private final Optional<Instant> sensorEnd;

        Evaluation(UUID owner, Instant now, AlertSettingsStore.Stored s, List<AlertRules.Trigger> triggers,
                   Instant windowFirst, Optional<Instant> sensorEnd) {
            this.owner = owner;
            this.now = now;
            this.s = s;
            this.triggers = triggers;
            this.windowFirst = windowFirst;
            this.sensorEnd = sensorEnd;
        }

        boolean nothing() {
            return triggers.isEmpty() && sensorEnd.isEmpty();
        }

        void raise() {
            for (AlertRules.Trigger t : triggers) {
                Alerting.this.raise(owner, t, episodeStart(owner, t, windowFirst), s.delivery());
            }
            sensorEnd.ifPresent(end -> sensorEnding(owner, now, end, s));
        }
    }

    private Evaluation evaluate(UUID owner, Instant now, AlertSettingsStore.Stored s) {
        List<Reading> recent = readings.between(owner, now.minus(WINDOW), now.plus(Duration.ofMinutes(10)));
        List<AlertRules.Trigger> triggers = AlertRules.onReadings(recent, s.rules(), now);
        Optional<Instant> end = sessions.expectedEnd(owner, now)
                .filter(e -> Duration.between(now, e).compareTo(SENSOR_NOTICE) <= 0);
        return new Evaluation(owner, now, s, triggers, recent.isEmpty() ? null : recent.get(0).time(), end);
    }

    /**
     * The evaluation job: wearers whose newest fresh reading the rules have not finished with (ingest failed after
     * the upload committed) are evaluated again; the store's unique key keeps an alert raised twice from being
     * raised twice. Returns how many it evaluated.
     */
    int evaluateMissed() {
        Instant now = dataClock.instant();
        int n = 0;
        for (AlertStore.Unevaluated u : store.unevaluated(now.minus(AlertRules.FRESH), BATCH)) {
            try {
                stored(u.owner(), u.newest());
                n++;
            } catch (RuntimeException e) {
                log.warn("alert rules failed again for a wearer: {}",
                        org.mqcgm.server.platform.db.SafeErrors.describe(e));
            }
        }
        return n;
    }

    /**
     * The start of the trigger's episode as the store knows it. The rules see only {@link #WINDOW} of readings: for
     * a run that reaches back to the window's first reading (a low or high of more than an hour) they name that
     * reading, which moves forward with every upload; and a late reading filled in before a run moves its start
     * back. Either way the run is continuous from the rules' start to the newest reading, so the most recent stored
     * alert of the same kind that started inside it — or, when the run reaches the window's edge, before it — is
     * the same episode: its start is kept, and the store's unique key raises nothing new.
     */
    private Instant episodeStart(UUID owner, AlertRules.Trigger t, Instant windowFirst) {
        Optional<Instant> latest = store.latestEpisodeStart(owner, t.kind().id(), t.at());
        if (latest.isEmpty()) {
            return t.episodeStart();
        }
        Instant known = latest.get();
        boolean inside = !known.isBefore(t.episodeStart());
        boolean beforeWindow = known.isBefore(t.episodeStart()) && t.episodeStart().equals(windowFirst);
        return inside || beforeWindow ? known : t.episodeStart();
    }

    /**
     * A notice {@link #SENSOR_NOTICE} before the wearer's running sensor session is expected to end (at
     * {@code end}, within the notice), once per session (its expected end is the episode).
     */
    private void sensorEnding(UUID owner, Instant now, Instant end, AlertSettingsStore.Stored s) {
        long hours = Math.max(1, (Duration.between(now, end).toMinutes() + 59) / 60);
        Map<String, Number> in = new java.util.LinkedHashMap<>();
        in.put("hoursLeft", hours);
        in.put("noticeHours", SENSOR_NOTICE.toHours());
        boolean quiet = s.rules().quiet(now.atZone(zone(owner)).toLocalTime());
        raise(owner, "sensor-ending", now, end, SENSOR_RULE, in, quiet,
                "Your sensor session ends in about " + hours + " hours.", s.delivery());
    }

    private java.time.ZoneId zone(UUID owner) {
        return profiles.of(owner).map(Profile::zone).orElse(java.time.ZoneOffset.UTC);
    }

    /**
     * The signal-loss job: wearers whose newest reading is older than their signal-loss time get the alert, once
     * per silence (the collector's heartbeat: an upload stopped for whatever reason). Reads only the due rows.
     */
    int checkSilences() {
        Instant now = dataClock.instant();
        int n = 0;
        for (AlertStore.Silence silence : store.silencesDue(now, BATCH)) {
            if (!store.claimSilence(silence) || !consents.granted(silence.owner(), Consents.Purpose.HEALTH_DATA)) {
                continue;
            }
            AlertSettingsStore.Stored s = settings.all(silence.owner());
            Optional<AlertRules.Trigger> t = AlertRules.signalLoss(silence.lastReading(),
                    zone(silence.owner()).getRules().getOffset(now), s.rules(), now);
            if (t.isPresent() && raise(silence.owner(), t.get(), t.get().episodeStart(), s.delivery()).isPresent()) {
                n++;
            }
        }
        return n;
    }

    /** The raise below for a rule's trigger, with the episode start as the store knows it. */
    private Optional<AlertStore.Alert> raise(UUID owner, AlertRules.Trigger t, Instant episodeStart,
                                             AlertSettingsStore.Delivery d) {
        return raise(owner, t.kind().id(), t.at(), episodeStart, t.ruleVersion(), t.inputs(), t.quiet(), t.why(), d);
    }

    /** Stores an alert unless its episode was raised already, and sends it unless it is quiet. */
    Optional<AlertStore.Alert> raise(UUID owner, String kind, Instant at, Instant episodeStart, String version,
                                     Map<String, Number> inputs, boolean quiet, String why,
                                     AlertSettingsStore.Delivery d) {
        Instant now = systemClock.instant();
        boolean urgent = AlertKind.URGENT_LOW.id().equals(kind);
        Instant next = quiet ? null : nextSending(urgent, d, now);
        Instant escalate = urgent ? now.plus(Duration.ofMinutes(d.escalateMinutes())) : null;
        Optional<AlertStore.Alert> raised = store.raise(owner, new AlertStore.Raise(kind, at, episodeStart, version,
                quiet, inputs, why, next, escalate), now);
        raised.filter(a -> !a.quiet()).ifPresent(a -> {
            deliver(a, d, true);
            store.sent(owner, a.id());
        });
        return raised;
    }

    private static Instant nextSending(boolean urgent, AlertSettingsStore.Delivery d, Instant now) {
        if (urgent) {
            return now.plus(URGENT_REPEAT);
        }
        return d.repeatMinutes() > 0 ? now.plus(Duration.ofMinutes(d.repeatMinutes())) : null;
    }

    /**
     * Sends the alert to the wearer's devices (and the first time by e-mail, when chosen; an e-mail never carries
     * the value).
     */
    private void deliver(AlertStore.Alert a, AlertSettingsStore.Delivery d, boolean first) {
        Optional<Profile> profile = profiles.of(a.owner());
        if (profile.isEmpty()) {
            return;
        }
        Profile p = profile.get();
        Messages m = Messages.of(p.language());
        String title = AlertWords.title(a.kind(), p.language());
        // Never a value in the payload (PR-13): a device whose owner chose values on its own lock screen fetches
        // the alert signed in (the detail path) and words the notification itself.
        try {
            push.send(a.owner(), new PushNotifications.Notification(title, m.t("alerts.push.open"),
                    a.id().toString(), a.urgent(), "/alerts", a.urgent() ? URGENT_REPEAT.multipliedBy(3)
                    : Duration.ofHours(1), "/api/v1/alerts/" + a.id()));
        } catch (RuntimeException e) {
            log.warn("could not queue a push notification: {}", e.getClass().getSimpleName());
        }
        if (first && d.emailAlerts() && p.label() != null && p.label().contains("@")) {
            // Never a glucose value in an e-mail (PR-55), whatever the lock-screen choice.
            outbound.send(new OutboundMessage(OutboundMessage.Channel.EMAIL, p.label(),
                    m.t("alerts.mail.subject", title), m.t("alerts.mail.body", title)));
        }
    }

    /** The delivery job: sends due repeats, then escalates due urgent lows. Returns how many it handled. */
    int deliverDue() {
        Instant now = systemClock.instant();
        int n = 0;
        for (AlertStore.Alert a : store.dueForSending(now, BATCH)) {
            AlertSettingsStore.Delivery d = settings.all(a.owner()).delivery();
            if (store.claimSending(a.owner(), a.id(), a.nextSendAt(), nextSending(a.urgent(), d, now))) {
                deliver(a, d, false);
                n++;
            }
        }
        for (AlertStore.Alert a : store.dueForEscalation(now, BATCH)) {
            if (store.claimEscalation(a.owner(), a.id(), now)) {
                n += escalate(a);
            }
        }
        return n;
    }

    /** Tells the followers who share the wearer's alerts, on their own devices (naming no one on the lock screen). */
    private int escalate(AlertStore.Alert a) {
        // The lock screen of a follower's phone names no one (a profile label is an e-mail or a phone number):
        // the app, once opened, shows whose low it is.
        int told = 0;
        for (UUID follower : followers.sharingAlerts(a.owner())) {
            Optional<Profile> fp = profiles.of(follower);
            if (fp.isEmpty()) {
                continue;
            }
            Messages m = Messages.of(fp.get().language());
            int devices;
            try {
                devices = push.send(follower, new PushNotifications.Notification(
                        m.t("alerts.push.follower.title"), m.t("alerts.push.follower.body"),
                        "escalation-" + a.id(), true, "/people", Duration.ofMinutes(15)));
            } catch (RuntimeException e) {
                log.warn("could not queue an escalation: {}", e.getClass().getSimpleName());
                devices = 0;
            }
            store.escalated(a.owner(), a.id(), follower, systemClock.instant(), devices);
            told++;
        }
        return told;
    }
}
