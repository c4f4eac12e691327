package org.mqcgm.server.alerts;

import java.util.List;
import java.util.Map;

/**
 * The JSON of the alerts API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    static final Map<String, Class<?>> ALL = Map.of("AlertSettings", AlertSettingsView.class);

    private ApiSchemas() {
    }

    /**
     * A wearer's alert rules, in mg/dL (integers), mg/dL per minute and minutes.
     *
     * @param enabled           the kinds that are on ({@code urgent-low} always is)
     * @param quietFrom         start of quiet hours, {@code HH:MM} local time, or null
     * @param quietTo           end of quiet hours, {@code HH:MM}, or null
     */
    record AlertSettingsView(List<String> enabled, int urgentLowMgdl, int lowMgdl, int highMgdl, double riseRate,
                             double fallRate, int predictionMinutes, int signalLossMinutes, String quietFrom,
                             String quietTo) {
    }
}
