package org.mqcgm.server.platform.push;

import java.time.Duration;
import java.util.UUID;

/**
 * Sends a notification to every device a person subscribed for push (standard Web Push: RFC 8030, 8291, 8292).
 * The push feature implements it; alerts (and any other feature that notifies) call it. The caller words the
 * notification: it carries no glucose value, name or phone number, ever; a device whose owner chose values on its
 * own lock screen fetches them itself through {@link Notification#detail()} (PR-13).
 */
public interface PushNotifications {

    /**
     * What a notification says.
     *
     * @param title  its first line ("Urgent low")
     * @param body   its text ("Open mqcgm")
     * @param tag    replaces an earlier notification with the same tag on the device (e.g. the alert's id)
     * @param urgent sent with {@code Urgency: high} (urgent lows), otherwise {@code normal}
     * @param url    the app's page a tap opens (a path such as {@code /alerts/ID})
     * @param ttl    how long the push service keeps it for an offline device
     * @param detail a same-origin API path (such as {@code /api/v1/alerts/ID}) that a device whose owner chose to
     *               see values on its own lock screen fetches, signed in, to word the notification itself; the
     *               payload never carries the value (PR-13). Null: nothing to fetch.
     */
    record Notification(String title, String body, String tag, boolean urgent, String url, Duration ttl,
                        String detail) {

        /** A notification with nothing for the device to fetch. */
        public Notification(String title, String body, String tag, boolean urgent, String url, Duration ttl) {
            this(title, body, tag, urgent, url, ttl, null);
        }
    }

    /**
     * Queues the notification for every live subscription of {@code owner} and returns how many that is (0: the
     * person has none, the caller may use another channel). Never waits for the network: delivery, retries and
     * the delivery log happen in the background.
     */
    int send(UUID owner, Notification notification);

    /** Sends nothing (a deployment without the push feature, or a test). */
    PushNotifications NONE = (owner, notification) -> 0;
}
