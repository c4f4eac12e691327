/**
 * Web Push to a person's browsers and apps (issue 13, PR-12, PR-13): subscriptions ({@code /api/v1/push/*}), the
 * queue and background delivery behind {@link org.mqcgm.server.platform.push.PushNotifications}, the delivery log.
 */
package org.mqcgm.server.push;
