package org.mqcgm.server.rights;

/** What the export page shows of the newest export (times in the person's zone). */
public record ExportView(String status, int percent, String archive, String expires, String created) {

    /** Queued or running: the page follows its progress. */
    public boolean pending() {
        return status.equals("queued") || status.equals("running");
    }
}
