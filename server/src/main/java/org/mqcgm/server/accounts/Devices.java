package org.mqcgm.server.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * The phones, browsers and collectors of a user. A device registers with platform facts (model, OS and app
 * version: for compatibility and support only, PR-14) and an install identifier chosen by the app. The server keeps
 * no raw install id, Android ID or MAC address: only {@code HMAC(deployment secret, owner ‖ install id)}, salted
 * per account so two accounts on one phone cannot be linked (PR-11), and issues a random, rotatable push alias —
 * the only thing a push provider will ever see (PR-12). Fields the policy excludes are refused by name (PR-04,
 * PR-08, PR-09).
 */
public final class Devices {

    /** Fields of the registration request. */
    static final Set<String> FIELDS =
            org.mqcgm.server.platform.http.RequestFields.of(ApiSchemas.DeviceRegistration.class);
    /** Fields apps commonly send that the privacy policy forbids us to collect. */
    static final Set<String> NOT_COLLECTED = Set.of("imei", "meid", "imsi", "mac", "macAddress", "wifiMac",
            "bluetoothMac", "androidId", "serial", "serialNumber", "installedApps", "apps", "packages", "contacts",
            "location", "latitude", "longitude", "gps", "phoneNumber", "simSerial", "advertisingId");
    static final Set<String> PLATFORMS = Set.of("android", "ios", "web", "collector", "other");
    /** Platform facts of an implicitly unlinked device (its token revoked) are kept this long, then purged (PR-14). */
    static final Duration KEEP_UNLINKED = Duration.ofDays(90);

    private final Jdbi jdbi;
    private final DeploymentSecrets secrets;
    private final SecurityEvents events;
    private final Clock clock;

    public Devices(Jdbi jdbi, DeploymentSecrets secrets, SecurityEvents events, Clock clock) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.events = events;
        this.clock = clock;
    }

    /** A device as its owner sees it. */
    public record Device(UUID id, String platform, String model, String osVersion, String appVersion,
                         UUID pushAlias, Instant createdAt, Instant lastSeenAt) {
    }

    /**
     * Registers or refreshes the device of an install id.
     *
     * @param tokenId the API token the app uses, if any: revoking it removes the push alias
     */
    public Device register(UUID owner, JsonNode body, UUID tokenId, ClientFacts client) {
        if (body == null || !body.isObject()) {
            throw new ProblemException(Problem.badRequest("The body must be a JSON object.",
                    new Problem.FieldError("$", "type", "must be an object")));
        }
        List<Problem.FieldError> refused = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (NOT_COLLECTED.contains(f)) {
                refused.add(new Problem.FieldError("$." + f, "not-collected",
                        "mqcgm does not collect this (privacy policy: no device identifiers, app lists, contacts "
                                + "or location)"));
            } else if (!FIELDS.contains(f)) {
                refused.add(new Problem.FieldError("$." + f, "unknown-field", "is not an accepted field"));
            }
        }
        if (!refused.isEmpty()) {
            throw new ProblemException(Problem.badRequest("The request has fields mqcgm does not accept.",
                    refused.toArray(Problem.FieldError[]::new)));
        }
        String platform = text(body, "platform", 1, 20, refused);
        if (platform != null && !PLATFORMS.contains(platform)) {
            refused.add(new Problem.FieldError("$.platform", "one-of", "must be one of " + PLATFORMS));
        }
        String model = text(body, "model", 1, 80, refused);
        String os = text(body, "osVersion", 1, 40, refused);
        String app = text(body, "appVersion", 1, 40, refused);
        String install = text(body, "installId", 8, 128, refused);
        if (!refused.isEmpty()) {
            throw new ProblemException(Problem.validation("The device could not be registered.", refused));
        }
        byte[] key = secrets.pseudonym("device", owner + ":" + install);
        Instant now = clock.instant();
        java.util.List<byte[]> older = secrets.pseudonyms("device", owner + ":" + install);
        older.removeFirst();
        Device device = jdbi.inTransaction(h -> {
            if (!older.isEmpty()) {
                // Registered before the deployment secret was rotated: the same device, re-keyed (V1.6.3).
                h.createUpdate("""
                                update device set device_key = :k where owner_id = :o and device_key = any(:old::bytea[])
                                  and not exists (select 1 from device where owner_id = :o and device_key = :k)""")
                        .bind("o", owner).bind("k", key).bind("old", older.toArray(byte[][]::new)).execute();
            }
            boolean fresh = h.createQuery("select count(*) = 0 from device where owner_id = :o and device_key = :k"
                            + " and unlinked_at is null")
                    .bind("o", owner).bind("k", key).mapTo(Boolean.class).one();
            return h.createQuery("""
                            insert into device (owner_id, id, device_key, platform, model, os_version, app_version,
                                                push_alias, token_id, created_at, last_seen_at)
                            values (:o, :id, :k, :platform, :model, :os, :app, :alias, :token, :now, :now)
                            on conflict (owner_id, device_key) do update set platform = excluded.platform,
                                model = excluded.model, os_version = excluded.os_version,
                                app_version = excluded.app_version, token_id = excluded.token_id,
                                last_seen_at = excluded.last_seen_at, unlinked_at = null,
                                push_alias = coalesce(device.push_alias, excluded.push_alias)
                            returning id, platform, model, os_version, app_version, push_alias, created_at,
                                      last_seen_at""")
                    .bind("o", owner).bind("id", UUID.randomUUID()).bind("k", key).bind("platform", platform)
                    .bind("model", model).bind("os", os).bind("app", app).bind("alias", UUID.randomUUID())
                    .bind("token", tokenId).bind("now", Sessions.utc(now))
                    .map((rs, ctx) -> {
                        if (fresh) {
                            events.record(h, owner, SecurityEvents.Kind.DEVICE_ADDED, client, model);
                        }
                        return device(rs);
                    })
                    .one();
        });
        return device;
    }

    private static String text(JsonNode body, String field, int min, int max, List<Problem.FieldError> errors) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            errors.add(new Problem.FieldError("$." + field, "required", "is required"));
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank() || n.asText().length() < min || n.asText().length() > max) {
            errors.add(new Problem.FieldError("$." + field, "length",
                    "must be text of " + min + " to " + max + " characters"));
            return null;
        }
        return n.asText().trim();
    }

    private static Device device(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Device(rs.getObject("id", UUID.class), rs.getString("platform"), rs.getString("model"),
                rs.getString("os_version"), rs.getString("app_version"), rs.getObject("push_alias", UUID.class),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("last_seen_at", OffsetDateTime.class).toInstant());
    }

    /** The owner's linked devices, most recently seen first. */
    public List<Device> list(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, platform, model, os_version, app_version, push_alias, created_at, last_seen_at
                        from device where owner_id = :o and unlinked_at is null order by last_seen_at desc""")
                .bind("o", owner).map((rs, ctx) -> device(rs)).list());
    }

    /**
     * Deletes a device at its owner's request (Settings confirmation, {@code DELETE /api/v1/devices/{id}}): the row,
     * its platform facts and its push alias are gone from the database at once (PR-63). A device unlinked implicitly
     * (its token revoked by a logout, a revocation, a password reset or a reported compromise) is kept 90 days
     * instead, then purged (PR-14); the owner can still delete it by id.
     */
    public boolean remove(UUID owner, UUID id, ClientFacts client) {
        Optional<String> model = jdbi.inTransaction(h -> {
            Optional<String> gone = h.createQuery("""
                            delete from device where owner_id = :o and id = :id returning model""")
                    .bind("o", owner).bind("id", id)
                    .mapTo(String.class).findOne();
            // Its push subscriptions end with it (the push feature listens, PR-12).
            gone.ifPresent(m -> org.mqcgm.server.platform.db.Notifications.send(h, ApiTokens.CHANNEL,
                    owner.toString()));
            return gone;
        });
        model.ifPresent(m -> events.record(owner, SecurityEvents.Kind.DEVICE_REMOVED, client, m));
        return model.isPresent();
    }

    /** Issues a new push alias for a device (the old one stops working at once). */
    public Optional<UUID> rotateAlias(UUID owner, UUID id) {
        UUID alias = UUID.randomUUID();
        return jdbi.inTransaction(h -> {
            boolean rotated = h.createUpdate("update device set push_alias = :a where owner_id = :o and id = :id"
                            + " and unlinked_at is null")
                    .bind("a", alias).bind("o", owner).bind("id", id).execute() == 1;
            if (rotated) {
                // Push subscriptions under the old alias end (the push feature listens, PR-12).
                org.mqcgm.server.platform.db.Notifications.send(h, ApiTokens.CHANNEL, owner.toString());
            }
            return rotated ? Optional.of(alias) : Optional.<UUID>empty();
        });
    }

    /** Deletes devices unlinked more than 90 days ago (purge job, PR-14). */
    public int purgeUnlinked() {
        return jdbi.withHandle(h -> h.createUpdate("delete from device where unlinked_at < :cutoff")
                .bind("cutoff", Sessions.utc(clock.instant().minus(KEEP_UNLINKED))).execute());
    }
}
