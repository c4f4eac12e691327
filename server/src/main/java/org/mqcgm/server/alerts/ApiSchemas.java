package org.mqcgm.server.alerts;

import java.util.List;
import java.util.Map;

/**
 * The JSON of the alerts API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    static final Map<String, Class<?>> ALL = Map.of("AlertSettings", AlertSettingsView.class, "Alert",
            AlertView.class, "AlertSnooze", SnoozeRequest.class);

    private ApiSchemas() {
    }

    /**
     * A wearer's alert rules, in mg/dL (integers), mg/dL per minute and minutes, and how alerts reach them.
     *
     * @param enabled            the kinds that are on ({@code urgent-low} always is)
     * @param quietFrom          start of quiet hours, {@code HH:MM} local time, or null
     * @param quietTo            end of quiet hours, {@code HH:MM}, or null
     * @param valuesOnLockScreen deprecated, without effect: a push payload never carries a value; each device chooses
     *                           values on its own lock screen and fetches them itself (PR-13); never in e-mails (PR-55)
     * @param emailAlerts        an e-mail as well as the push notification
     * @param repeatMinutes      how often an unacknowledged alert other than the urgent low is sent again (0: never;
     *                           the urgent low is sent every 5 minutes until acknowledged)
     * @param escalateMinutes    after how many minutes an unacknowledged urgent low goes to the followers who share
     *                           alerts
     */
    record AlertSettingsView(List<String> enabled, int urgentLowMgdl, int lowMgdl, int highMgdl, double riseRate,
                             double fallRate, int predictionMinutes, int signalLossMinutes, String quietFrom,
                             String quietTo, boolean valuesOnLockScreen, boolean emailAlerts, int repeatMinutes,
                             int escalateMinutes) {
    }

    /**
     * One alert, with what decided it (PR-72).
     *
     * @param kind           {@code urgent-low}, {@code low}, {@code high}, {@code rise}, {@code fall},
     *                       {@code predicted-low}, {@code signal-loss}, {@code sensor-ending}
     * @param at             the time of the reading (or silence) that raised it
     * @param inputs         the rule's inputs, in mg/dL, mg/dL per minute and minutes
     * @param why            the explanation in the wearer's language and unit
     * @param ruleVersion    the rules that decided it
     * @param acknowledgedAt when the wearer acknowledged it, or null
     * @param snoozedUntil   until when its repeats are held, or null
     * @param quiet          raised inside quiet hours: kept and shown, not sent
     */
    record AlertView(String id, String kind, String at, Map<String, Number> inputs, String why, String ruleVersion,
                     String acknowledgedAt, String snoozedUntil, boolean quiet) {
    }

    /** {@code POST /api/v1/alerts/{id}/snooze}: hold the alert's repeats for this many minutes (5 to 240). */
    record SnoozeRequest(int minutes) {
    }
}
