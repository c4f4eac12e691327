package org.mqcgm.server.sharing;

import java.util.List;

/** The models of the sharing pages (public for the precompiled templates only). */
public final class SharingViews {

    private SharingViews() {
    }

    /** What the invitation form shows (again, after a wrong submission). */
    public record Form(String with, List<String> scopes, String until, String historyDays, String low, String high) {

        static final Form EMPTY = new Form("", List.of("glucose"), "", "", "", "");

        public boolean has(String scope) {
            return scopes.contains(scope);
        }
    }

    /** One share as Settings → Sharing lists it. */
    public record ShareRow(String id, String who, List<String> scopes, String window, String until, String status,
                           String created, boolean revocable) {
    }

    /**
     * Settings → Sharing.
     *
     * @param consented whether the person consents to sharing (otherwise the form is replaced by a link to the
     *                  privacy centre)
     * @param errors    what is wrong with the last submission
     */
    public record Settings(boolean consented, Form form, List<String> errors, List<ShareRow> shares,
                           List<String> allScopes, int max) {
    }

    /** The confirmation before a share is made: the recipient and the exact categories (PR-44). */
    public record Confirm(Form form, String recipient, List<String> scopes, String window, String until) {
    }

    /** A share just made: its link and QR code, shown once. */
    public record Created(String link, String qrSvg, String recipient, boolean sent) {
    }

    /** One read of "who saw my data". */
    public record Read(String when, String who, String kind, String what) {
    }

    /** An invitation as its recipient sees it before accepting. */
    public record Invitation(String code, String from, List<String> scopes, String window, String until,
                             String problem) {
    }

    /** One person the viewer follows. */
    public record Followed(String id, String name, List<String> scopes, String latest, String unit, String age,
                           boolean glucose, boolean history) {
    }
}
