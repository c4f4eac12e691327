package org.mqcgm.server.platform.security;

import java.util.Arrays;
import java.util.Optional;

/** What an API token may do. A web session holds every scope of its user. */
public enum Scope {
    READINGS_READ("readings:read"),
    READINGS_WRITE("readings:write"),
    DEVICES_WRITE("devices:write"),
    PROFILE_READ("profile:read"),
    PROFILE_WRITE("profile:write"),
    /** Exports, transfers, deletions and cancellation of the account: each also needs the password again. */
    ACCOUNT_MANAGE("account:manage"),
    /** Inviting followers, listing and revoking shares, clinician links, "who saw my data". */
    SHARING("sharing"),
    /** The logbook: check-ins (meals, insulin, exercise, medication, fingersticks, notes) and their photos. */
    LOGBOOK("logbook"),
    /** Community posts, comments, likes, reports of abuse. */
    COMMUNITY("community"),
    /** Alerts: the alert rules, the alerts and their acknowledgement, push subscriptions. */
    ALERTS("alerts"),
    /** Customer service: the account's own support tickets and the grants asked for on them. */
    SUPPORT("support"),
    /** The Nightscout clients' credentials: creating, listing and revoking them (issue 14). */
    NIGHTSCOUT("nightscout");

    private final String id;

    Scope(String id) {
        this.id = id;
    }

    /** The scope's name in tokens and the API, e.g. {@code readings:write}. */
    public String id() {
        return id;
    }

    public static Optional<Scope> parse(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }
}
