package org.mqcgm.core.alerts;

/** The kinds of alert, with their names in the API ({@code urgent-low}, …). */
public enum AlertKind {
    /** Below {@link AlertSettings#URGENT_LOW_MGDL} (or the sensor's Low): cannot be turned off. */
    URGENT_LOW("urgent-low"),
    LOW("low"),
    HIGH("high"),
    /** Rising at least the rise rate (mg/dL per minute over the last 15 minutes). */
    RISE("rise"),
    /** Falling at least the fall rate. */
    FALL("fall"),
    /** Not low yet, but low within the prediction horizon if the current rate goes on. */
    PREDICTED_LOW("predicted-low"),
    /** No reading for the signal-loss time. */
    SIGNAL_LOSS("signal-loss");

    private final String id;

    AlertKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
