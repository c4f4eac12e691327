package org.mqcgm.server.accounts;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.mqcgm.server.platform.http.ClientAddress;

/**
 * What a security record keeps about the client: the IP address truncated to its network (/24 for IPv4, /48 for
 * IPv6 — enough for a person to recognise "that was me at home", not enough to locate them) and the first 160
 * characters of the user agent.
 *
 * @param ip        the full address of the client, through trusted proxies ({@link ClientAddress}); used for rate
 *                  limiting only, never stored
 * @param ipPrefix  the truncated address that is stored
 * @param userAgent the shortened user agent
 */
public record ClientFacts(String ip, String ipPrefix, String userAgent) {

    public static final ClientFacts NONE = new ClientFacts("", "", "");

    /** The facts of the client behind {@code ctx}, its address taken through trusted proxies only. */
    public static ClientFacts of(Context ctx, ClientAddress addresses) {
        String ip = addresses.of(ctx);
        String agent = ctx.userAgent();
        return new ClientFacts(ip, prefix(ip), agent == null ? "" : agent.substring(0, Math.min(160, agent.length())));
    }

    /** What rate limits count by: the address, or its /64 network for IPv6. */
    String bucket() {
        return ClientAddress.bucket(ip);
    }

    static String prefix(String ip) {
        try {
            byte[] a = InetAddress.getByName(ip).getAddress();
            if (a.length == 4) {
                return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + ".0/24";
            }
            return String.format("%x:%x:%x::/48", ((a[0] & 0xff) << 8) | (a[1] & 0xff),
                    ((a[2] & 0xff) << 8) | (a[3] & 0xff), ((a[4] & 0xff) << 8) | (a[5] & 0xff));
        } catch (UnknownHostException | RuntimeException e) {
            return "";
        }
    }
}
