package org.mqcgm.server.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.core.alerts.AlertKind;
import org.mqcgm.core.alerts.AlertSettings;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.db.Notifications;
import org.mqcgm.server.platform.db.StaleGuard;

/**
 * The SQL of {@code alert_settings}: one row per wearer who changed the defaults, encrypted under their key. What
 * the rules use ({@link #all}) is kept in memory per wearer (thresholds and choices, never a reading), because every
 * fresh upload needs it: a save drops it on this node at once and on every node by {@code NOTIFY}
 * ({@value #CHANGED}); a load that raced with a save is not kept ({@link StaleGuard}); a lost listener connection
 * clears it all.
 */
final class AlertSettingsStore {

    private static final String CONTEXT = "alerts.settings";
    /** The channel a save notifies, with the wearer's id as payload. */
    static final String CHANGED = "mqcgm_alert_settings_changed";

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final ObjectMapper mapper;
    private final Cache<UUID, Stored> cache = Caffeine.newBuilder()
            .maximumSize(100_000)
            // A backstop for a notice missed while the listener reconnected or its socket hung: a change made on
            // another node reaches this one within 15 minutes even then (a wearer uploads every 5 minutes, so a
            // shorter bound would leave nothing cached).
            .expireAfterWrite(Duration.ofMinutes(15))
            .build();
    private final StaleGuard guard = new StaleGuard();

    AlertSettingsStore(Jdbi jdbi, UserKeys keys, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.mapper = mapper;
    }

    /**
     * How alerts reach the wearer (beside the rules).
     *
     * @param valuesOnLockScreen kept for the API's deprecated field, without effect: a push payload never carries a
     *                           value; each device chooses values on its own lock screen (PR-13)
     * @param emailAlerts        an e-mail too, as a second channel
     * @param repeatMinutes      how often an unacknowledged alert other than the urgent low is sent again (0: not)
     * @param escalateMinutes    after how long an unacknowledged urgent low goes to the followers sharing alerts
     */
    record Delivery(boolean valuesOnLockScreen, boolean emailAlerts, int repeatMinutes, int escalateMinutes) {

        static Delivery defaults() {
            return new Delivery(false, false, 0, 15);
        }
    }

    /** A wearer's rules and delivery settings. */
    record Stored(AlertSettings rules, Delivery delivery) {
    }

    /** The wearer's rules: theirs, or the defaults. */
    AlertSettings of(UUID owner) {
        return all(owner).rules();
    }

    /** The wearer's rules and delivery settings: theirs, or the defaults (from memory when this node has them). */
    Stored all(UUID owner) {
        Stored known = cache.getIfPresent(owner);
        if (known != null) {
            return known;
        }
        long seen = guard.mark();
        Stored loaded = stored(owner).orElseGet(() -> new Stored(AlertSettings.defaults(), Delivery.defaults()));
        cache.put(owner, loaded);
        if (guard.changedSince(seen)) {
            cache.invalidate(owner);
        }
        return loaded;
    }

    /** The same table as another server node sees it: its own memory (tests of the notice across nodes). */
    AlertSettingsStore anotherNode() {
        return new AlertSettingsStore(jdbi, keys, mapper);
    }

    /** A save on any node takes effect on this node's memory at once. */
    void listen(Notifications notifications) {
        guard.listen(notifications, CHANGED, this::forget, cache::invalidateAll);
    }

    private void forget(UUID owner) {
        guard.invalidating();
        cache.invalidate(owner);
    }

    /** Whether the wearer changed the defaults (for "My data"). */
    Optional<Stored> stored(UUID owner) {
        Optional<byte[]> row = jdbi.withHandle(h -> h.createQuery(
                        "select settings from alert_settings where owner_id = :o")
                .bind("o", owner).mapTo(byte[].class).findOne());
        return row.map(bytes -> read(keys.decryptString(owner, CONTEXT, bytes)));
    }

    void save(UUID owner, AlertSettings s, Instant at) {
        save(owner, s, Delivery.defaults(), at);
    }

    void save(UUID owner, AlertSettings s, Delivery d, Instant at) {
        byte[] sealed = keys.encrypt(owner, CONTEXT, write(s, d));
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            insert into alert_settings (owner_id, settings, updated_at) values (:o, :s, :at)
                            on conflict (owner_id) do update set settings = excluded.settings,
                                                                 updated_at = excluded.updated_at""")
                    .bind("o", owner).bind("s", sealed).bind("at", at.atOffset(ZoneOffset.UTC)).execute();
            Notifications.send(h, CHANGED, owner.toString());
            forget(owner);
            // Again once the new rules are visible: an upload on this node that read the old ones in between
            // (this transaction not yet committed) would otherwise keep them until the listener's notice.
            StaleGuard.againAfterCommit(h, () -> forget(owner));
        });
    }

    private String write(AlertSettings s, Delivery d) {
        ObjectNode n = mapper.createObjectNode();
        n.putArray("enabled").addAll(s.enabled().stream().sorted().map(k -> mapper.getNodeFactory()
                .textNode(k.id())).toList());
        n.put("lowMgdl", s.lowMgdl()).put("highMgdl", s.highMgdl()).put("riseRate", s.riseRate())
                .put("fallRate", s.fallRate()).put("predictionMinutes", s.predictionMinutes())
                .put("signalLossMinutes", s.signalLossMinutes())
                .put("quietFrom", s.quietFrom() == null ? null : s.quietFrom().toString())
                .put("quietTo", s.quietTo() == null ? null : s.quietTo().toString());
        n.put("valuesOnLockScreen", d.valuesOnLockScreen()).put("emailAlerts", d.emailAlerts())
                .put("repeatMinutes", d.repeatMinutes()).put("escalateMinutes", d.escalateMinutes());
        return n.toString();
    }

    private Stored read(String json) {
        try {
            JsonNode n = mapper.readTree(json);
            EnumSet<AlertKind> on = EnumSet.noneOf(AlertKind.class);
            n.path("enabled").forEach(k -> AlertRoutes.kind(k.asText()).ifPresent(on::add));
            Delivery d = Delivery.defaults();
            return new Stored(new AlertSettings(on, n.path("lowMgdl").asInt(), n.path("highMgdl").asInt(),
                    n.path("riseRate").asDouble(), n.path("fallRate").asDouble(), n.path("predictionMinutes").asInt(),
                    n.path("signalLossMinutes").asInt(), time(n.path("quietFrom")), time(n.path("quietTo"))),
                    new Delivery(n.path("valuesOnLockScreen").asBoolean(d.valuesOnLockScreen()),
                            n.path("emailAlerts").asBoolean(d.emailAlerts()),
                            n.path("repeatMinutes").asInt(d.repeatMinutes()),
                            n.path("escalateMinutes").asInt(d.escalateMinutes())));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable alert settings", e);
        }
    }

    private static LocalTime time(JsonNode n) {
        return n.isTextual() ? LocalTime.parse(n.asText()) : null;
    }
}
