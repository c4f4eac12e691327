package org.mqcgm.server.push;

import java.util.List;
import java.util.Map;

/**
 * The JSON of the push API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    static final Map<String, Class<?>> ALL = Map.of(
            "VapidPublicKey", VapidPublicKey.class,
            "PushSubscriptionRequest", PushSubscriptionRequest.class,
            "PushSubscriptionKeys", PushSubscriptionKeys.class,
            "PushSubscription", PushSubscription.class,
            "PushSubscriptions", PushSubscriptions.class,
            "PushDelivery", PushDelivery.class,
            "PushDeliveries", PushDeliveries.class);

    private ApiSchemas() {
    }

    /** The application server key for {@code pushManager.subscribe}: base64url, an uncompressed P-256 point. */
    record VapidPublicKey(String publicKey) {
    }

    /** A browser's {@code PushSubscription.toJSON()}. */
    record PushSubscriptionRequest(String endpoint, Long expirationTime, PushSubscriptionKeys keys) {
    }

    /** The subscription's keys, base64url: {@code p256dh} a 65-byte uncompressed P-256 point, {@code auth} 16 bytes. */
    record PushSubscriptionKeys(String p256dh, String auth) {
    }

    /**
     * A subscription as its owner sees it: never the endpoint's path or the keys.
     *
     * @param host      the push service's host (e.g. fcm.googleapis.com)
     * @param expiresAt when the browser said it ends, or null
     */
    record PushSubscription(String id, String host, String createdAt, String expiresAt) {
    }

    record PushSubscriptions(List<PushSubscription> subscriptions) {
    }

    /**
     * One attempt to hand a message to a push service.
     *
     * @param outcome {@code delivered}, {@code retry} (tried again later), {@code failed}, {@code removed} (the push
     *                service no longer knows the subscription, or its credential ended) or {@code expired}
     * @param status  the push service's HTTP status, or null when there was none
     */
    record PushDelivery(String at, String subscription, String host, String outcome, Integer status, int attempt) {
    }

    record PushDeliveries(List<PushDelivery> deliveries) {
    }
}
