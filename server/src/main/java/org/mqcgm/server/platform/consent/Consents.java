package org.mqcgm.server.platform.consent;

import java.util.UUID;

/** Whether a user currently consents to a purpose (the latest grant or withdrawal counts). */
public interface Consents {

    /** The notification channel on which a change of a person's consents is announced ("owner/purpose"). */
    String CHANGED = "mqcgm_consent_changed";

    /** Purposes that need the user's separate, explicit consent, and the acceptance of the privacy policy. */
    enum Purpose {
        /** Processing CGM readings, which are health data — sensitive personal information (PR-19). */
        HEALTH_DATA("health-data"),
        /**
         * Acceptance of the privacy policy, recorded at sign-up with the policy's version (PR-01). Not a purpose one
         * grants or withdraws through the consent API: it is accepted by signing up.
         */
        POLICY("policy");

        private final String id;

        Purpose(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static java.util.Optional<Purpose> parse(String id) {
            for (Purpose p : values()) {
                if (p.id.equals(id)) {
                    return java.util.Optional.of(p);
                }
            }
            return java.util.Optional.empty();
        }
    }

    boolean granted(UUID owner, Purpose purpose);

    /** Records a grant or a withdrawal, with the channel it came through (web, api, signup, demo…). */
    void record(UUID owner, Purpose purpose, boolean granted, String channel);
}
