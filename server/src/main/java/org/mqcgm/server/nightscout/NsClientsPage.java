package org.mqcgm.server.nightscout;

import java.util.List;

/**
 * The model of Settings → Nightscout clients ({@code /settings/nightscout}) and of the getting-started page that
 * makes an uploader's credential (public for the precompiled templates only).
 *
 * @param issued      the credential just made, its secrets shown only this once; null otherwise
 * @param credentials the wearer's credentials, newest first
 * @param name        the name in the form (kept after an error)
 * @param access      the access chosen in the form: read or readwrite
 */
public record NsClientsPage(Issued issued, List<Item> credentials, String name, String access) {

    /**
     * A credential just made, with everything a client needs.
     *
     * @param siteUrl     the Nightscout site URL to paste ({@code …/ns/<site>/})
     * @param secret      the API secret (clients send its SHA-1)
     * @param xdripUrl    xDrip+'s uploader URL, {@code https://<secret>@host/ns/<site>/api/v1/}
     * @param token       the role token ({@code ?token=}, AAPS's access token)
     * @param followerUrl the site URL with {@code ?token=} (LoopFollow, Nightguard)
     * @param qrSvg       the xDrip+ uploader URL as a QR code (inline SVG, no script, no style)
     */
    public record Issued(String name, String access, String siteUrl, String secret, String xdripUrl, String token,
                         String followerUrl, String qrSvg) {
    }

    /** One credential as listed: never its secrets; times in the wearer's zone, null when none. */
    public record Item(String id, String name, String access, String siteUrl, String created, String lastUsed,
                       String revoked) {
    }
}
