package org.mqcgm.server.push;

import java.util.List;

/**
 * The model of Settings → Notifications (public for the precompiled template only): this person's subscribed
 * browsers and apps, and the latest delivery attempts.
 */
public record NotificationsPage(List<Subscription> subscriptions, List<Delivery> deliveries) {

    public record Subscription(String id, String host, String since) {
    }

    public record Delivery(String at, String host, String outcome, String status) {
    }
}
