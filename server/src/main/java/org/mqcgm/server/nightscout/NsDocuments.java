package org.mqcgm.server.nightscout;

/** The store of Nightscout documents other than our glucose readings (see the class body). */
final class NsDocuments {

    private NsDocuments() {
    }

    /**
     * Bad input to a Nightscout route: the lead maps it to a Nightscout-style error body with this status (400, 404,
     * 410, 422) and message. Never a 5xx.
     */
    static final class Invalid extends RuntimeException {
        private final int status;

        Invalid(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
