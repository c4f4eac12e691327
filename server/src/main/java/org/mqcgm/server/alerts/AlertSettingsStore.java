package org.mqcgm.server.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/** The SQL of {@code alert_settings}: one row per wearer who changed the defaults, encrypted under their key. */
final class AlertSettingsStore {

    private static final String CONTEXT = "alerts.settings";

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final ObjectMapper mapper;

    AlertSettingsStore(Jdbi jdbi, UserKeys keys, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.mapper = mapper;
    }

    /** The wearer's rules: theirs, or the defaults. */
    AlertSettings of(UUID owner) {
        return stored(owner).orElseGet(AlertSettings::defaults);
    }

    /** Whether the wearer changed the defaults (for "My data"). */
    Optional<AlertSettings> stored(UUID owner) {
        Optional<byte[]> row = jdbi.withHandle(h -> h.createQuery(
                        "select settings from alert_settings where owner_id = :o")
                .bind("o", owner).mapTo(byte[].class).findOne());
        return row.map(bytes -> read(keys.decryptString(owner, CONTEXT, bytes)));
    }

    void save(UUID owner, AlertSettings s, Instant at) {
        byte[] sealed = keys.encrypt(owner, CONTEXT, write(s));
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into alert_settings (owner_id, settings, updated_at) values (:o, :s, :at)
                        on conflict (owner_id) do update set settings = excluded.settings,
                                                             updated_at = excluded.updated_at""")
                .bind("o", owner).bind("s", sealed).bind("at", at.atOffset(ZoneOffset.UTC)).execute());
    }

    private String write(AlertSettings s) {
        ObjectNode n = mapper.createObjectNode();
        n.putArray("enabled").addAll(s.enabled().stream().sorted().map(k -> mapper.getNodeFactory()
                .textNode(k.id())).toList());
        n.put("lowMgdl", s.lowMgdl()).put("highMgdl", s.highMgdl()).put("riseRate", s.riseRate())
                .put("fallRate", s.fallRate()).put("predictionMinutes", s.predictionMinutes())
                .put("signalLossMinutes", s.signalLossMinutes())
                .put("quietFrom", s.quietFrom() == null ? null : s.quietFrom().toString())
                .put("quietTo", s.quietTo() == null ? null : s.quietTo().toString());
        return n.toString();
    }

    private AlertSettings read(String json) {
        try {
            JsonNode n = mapper.readTree(json);
            EnumSet<AlertKind> on = EnumSet.noneOf(AlertKind.class);
            n.path("enabled").forEach(k -> AlertRoutes.kind(k.asText()).ifPresent(on::add));
            return new AlertSettings(on, n.path("lowMgdl").asInt(), n.path("highMgdl").asInt(),
                    n.path("riseRate").asDouble(), n.path("fallRate").asDouble(), n.path("predictionMinutes").asInt(),
                    n.path("signalLossMinutes").asInt(), time(n.path("quietFrom")), time(n.path("quietTo")));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable alert settings", e);
        }
    }

    private static LocalTime time(JsonNode n) {
        return n.isTextual() ? LocalTime.parse(n.asText()) : null;
    }
}
