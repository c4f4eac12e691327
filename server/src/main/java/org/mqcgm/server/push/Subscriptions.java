package org.mqcgm.server.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.outbound.WebPush;
import org.mqcgm.server.platform.push.PushBindings;

/**
 * The SQL of {@code push_subscription}. The endpoint and keys are sealed under the owner's key; a blind index
 * (keyed HMAC) of the endpoint keeps one row per endpoint: the same browser subscribing again refreshes its row, and a
 * browser another person signs in on is taken from the previous person (their alerts must not show there).
 */
final class Subscriptions {

    static final String CONTEXT = "push.subscription";
    /** Subscriptions one person may keep. */
    static final int MAX_PER_OWNER = 20;

    /** A subscription with what sending needs. */
    record Stored(UUID owner, UUID id, WebPush.Subscription subscription, String host, String credential,
                  UUID device, UUID alias, Instant expiresAt, Instant createdAt) {
    }

    /** The answer to a subscribe: the row's id and whether it is new. */
    record Subscribed(UUID id, boolean created, Instant createdAt, String host, Instant expiresAt) {
    }

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final DeploymentSecrets secrets;
    private final ObjectMapper mapper;
    private final Clock clock;

    Subscriptions(Jdbi jdbi, UserKeys keys, DeploymentSecrets secrets, ObjectMapper mapper, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.secrets = secrets;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** Stores (or refreshes) a checked subscription; empty when the owner already has the most there may be. */
    Optional<Subscribed> subscribe(UUID owner, WebPush.Subscription s, String host, Instant expiresAt,
                                   String credential, PushBindings.Device device) {
        java.util.List<byte[]> indexes = secrets.pseudonyms("push-endpoint", s.endpoint());
        byte[] index = indexes.getFirst();
        byte[][] older = indexes.subList(1, indexes.size()).toArray(byte[][]::new);
        byte[] sealed = keys.encrypt(owner, CONTEXT, mapper.createObjectNode().put("endpoint", s.endpoint())
                .put("p256dh", b64(s.p256dh())).put("auth", b64(s.auth())).toString());
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> {
            if (older.length > 0) {
                // Subscribed before the deployment secret was rotated: the same subscription, re-keyed (V1.6.3).
                h.createUpdate("""
                                update push_subscription set endpoint_index = :i where endpoint_index = any(:old::bytea[])
                                  and not exists (select 1 from push_subscription where endpoint_index = :i)""")
                        .bind("i", index).bind("old", older).execute();
            }
            h.createUpdate("delete from push_subscription where endpoint_index = :i and owner_id <> :o")
                    .bind("i", index).bind("o", owner).execute();
            int count = h.createQuery("select count(*) from push_subscription where owner_id = :o "
                            + "and endpoint_index <> :i")
                    .bind("o", owner).bind("i", index).mapTo(Integer.class).one();
            if (count >= MAX_PER_OWNER) {
                return Optional.<Subscribed>empty();
            }
            return Optional.of(h.createQuery("""
                            insert into push_subscription (owner_id, id, endpoint_index, sealed, host, credential,
                                                           device_id, push_alias, expires_at, created_at)
                            values (:o, :id, :i, :sealed, :host, :cred, :device, :alias, :exp, :now)
                            on conflict (endpoint_index) do update set sealed = excluded.sealed,
                                host = excluded.host, credential = excluded.credential,
                                device_id = excluded.device_id, push_alias = excluded.push_alias,
                                expires_at = excluded.expires_at
                            returning id, (xmax = 0) as inserted, created_at, host, expires_at""")
                    .bind("o", owner).bind("id", UUID.randomUUID()).bind("i", index).bind("sealed", sealed)
                    .bind("host", host).bind("cred", credential)
                    .bind("device", device == null ? null : device.id())
                    .bind("alias", device == null ? UUID.randomUUID() : device.alias())
                    .bind("exp", utc(expiresAt)).bind("now", utc(now))
                    .map((rs, ctx) -> new Subscribed(rs.getObject("id", UUID.class), rs.getBoolean("inserted"),
                            instant(rs.getObject("created_at", OffsetDateTime.class)), rs.getString("host"),
                            instant(rs.getObject("expires_at", OffsetDateTime.class))))
                    .one());
        });
    }

    /** The owner's subscriptions as listed to them, newest first. */
    List<ApiSchemas.PushSubscription> list(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, host, created_at, expires_at from push_subscription where owner_id = :o
                        order by created_at desc, id""")
                .bind("o", owner)
                .map((rs, ctx) -> new ApiSchemas.PushSubscription(rs.getString("id"), rs.getString("host"),
                        instant(rs.getObject("created_at", OffsetDateTime.class)).toString(),
                        text(instant(rs.getObject("expires_at", OffsetDateTime.class)))))
                .list());
    }

    int count(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from push_subscription where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
    }

    /** Every subscription of the owner, decrypted (for sending and for the bindings check). */
    List<Stored> all(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_id, id, sealed, host, credential, device_id, push_alias, expires_at, created_at
                        from push_subscription where owner_id = :o""")
                .bind("o", owner).map((rs, ctx) -> stored(rs)).list());
    }

    Optional<Stored> one(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_id, id, sealed, host, credential, device_id, push_alias, expires_at, created_at
                        from push_subscription where owner_id = :o and id = :id""")
                .bind("o", owner).bind("id", id).map((rs, ctx) -> stored(rs)).findOne());
    }

    boolean delete(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createUpdate("delete from push_subscription where owner_id = :o and id = :id")
                .bind("o", owner).bind("id", id).execute()) == 1;
    }

    /** The owner's subscriptions after a {@link #prune}: those that go on, and those it removed. */
    record Pruned(List<Stored> live, List<Stored> removed) {
    }

    /**
     * Removes the owner's subscriptions whose credential or device alias ended, or that the browser said have
     * expired; returns them and the live ones (read once).
     */
    Pruned prune(UUID owner, PushBindings bindings) {
        Instant now = clock.instant();
        java.util.Map<Boolean, List<Stored>> split = all(owner).stream()
                .collect(java.util.stream.Collectors.partitioningBy(s -> alive(s, bindings, now)));
        split.get(false).forEach(s -> delete(owner, s.id()));
        return new Pruned(split.get(true), split.get(false));
    }

    static boolean alive(Stored s, PushBindings bindings, Instant now) {
        return bindings.live(s.owner(), s.credential())
                && (s.device() == null || bindings.aliasLive(s.owner(), s.device(), s.alias()))
                && (s.expiresAt() == null || s.expiresAt().isAfter(now));
    }

    private Stored stored(java.sql.ResultSet rs) throws java.sql.SQLException {
        UUID owner = rs.getObject("owner_id", UUID.class);
        JsonNode n;
        try {
            n = mapper.readTree(keys.decryptString(owner, CONTEXT, rs.getBytes("sealed")));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable push subscription", e);
        }
        return new Stored(owner, rs.getObject("id", UUID.class), new WebPush.Subscription(n.path("endpoint").asText(),
                WebPush.base64Url(n.path("p256dh").asText()), WebPush.base64Url(n.path("auth").asText())),
                rs.getString("host"), rs.getString("credential"), rs.getObject("device_id", UUID.class),
                rs.getObject("push_alias", UUID.class), instant(rs.getObject("expires_at", OffsetDateTime.class)),
                instant(rs.getObject("created_at", OffsetDateTime.class)));
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static OffsetDateTime utc(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    static String text(Instant i) {
        return i == null ? null : i.toString();
    }
}
