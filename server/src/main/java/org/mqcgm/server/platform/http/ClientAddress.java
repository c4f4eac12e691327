package org.mqcgm.server.platform.http;

import io.javalin.http.Context;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The address of the client behind a request, for rate limits, security events and sessions. Behind a reverse
 * proxy the socket peer is the proxy, so the client is taken from the proxy's header ({@code X-Forwarded-For} or,
 * when configured, {@code Forwarded} of RFC 7239) — but only through hops that are trusted
 * ({@code MQCGM_TRUSTED_PROXIES}): the chain is walked from the right, skipping trusted proxies, and the first
 * untrusted address is the client. When the socket peer itself is not trusted the headers are ignored (anyone can
 * send them). With no trusted proxy (the default) the client is the socket peer.
 */
public final class ClientAddress {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    /** Which header the trusted proxies write. */
    public enum Header {
        X_FORWARDED_FOR("X-Forwarded-For"), FORWARDED("Forwarded");

        final String name;

        Header(String name) {
            this.name = name;
        }
    }

    /**
     * @param trustedProxies networks of the reverse proxies whose header is believed
     * @param header         the header they write
     */
    public record Settings(List<Cidr> trustedProxies, Header header) {
        public static final Settings NONE = new Settings(List.of(), Header.X_FORWARDED_FOR);

        public Settings {
            trustedProxies = List.copyOf(trustedProxies);
        }

        /**
         * Parses {@code MQCGM_TRUSTED_PROXIES}: comma-separated CIDRs ({@code 10.0.0.0/8}, {@code fd00::/8}) or
         * single addresses; blank for none.
         *
         * @throws IllegalArgumentException naming the entry that is not a network
         */
        public static List<Cidr> parseNetworks(String setting) {
            List<Cidr> out = new ArrayList<>();
            if (setting == null || setting.isBlank()) {
                return out;
            }
            for (String part : setting.split(",")) {
                if (!part.isBlank()) {
                    out.add(Cidr.parse(part.trim()));
                }
            }
            return out;
        }
    }

    /** A network: an address and the number of leading bits that count. */
    public record Cidr(byte[] network, int bits) {

        /** Parses {@code address/bits} or a single address. */
        public static Cidr parse(String text) {
            int slash = text.indexOf('/');
            InetAddress a = literal(slash < 0 ? text : text.substring(0, slash));
            if (a == null) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or network");
            }
            int max = a.getAddress().length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + max);
            }
            return new Cidr(a.getAddress(), bits);
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((a[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Settings settings;

    public ClientAddress(Settings settings) {
        this.settings = settings;
    }

    /** The client's address for this request (textual, canonical). */
    public String of(Context ctx) {
        return resolve(ctx.ip(), ctx.req().getHeaders(settings.header().name) == null ? List.of()
                : java.util.Collections.list(ctx.req().getHeaders(settings.header().name)));
    }

    /**
     * Whether a trusted reverse proxy says the browser reached it over HTTPS: the socket peer is one of
     * {@code MQCGM_TRUSTED_PROXIES} and the nearest hop's protocol ({@code X-Forwarded-Proto}'s last value, or
     * {@code proto=} of {@code Forwarded}'s last element when that is the configured header) is {@code https}. From
     * any other peer the header is ignored: anyone can send it.
     */
    public boolean forwardedHttps(Context ctx) {
        String peer = ctx.ip();
        InetAddress current = literal(peer != null && peer.startsWith("[") && peer.endsWith("]")
                ? peer.substring(1, peer.length() - 1) : peer);
        if (current == null || !trusted(current)) {
            return false;
        }
        String proto = null;
        if (settings.header() == Header.FORWARDED) {
            String forwarded = ctx.header("Forwarded");
            if (forwarded != null) {
                String[] elements = forwarded.split(",");
                for (String pair : elements[elements.length - 1].split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase("proto")) {
                        proto = pair.substring(eq + 1).trim().replace("\"", "");
                    }
                }
            }
        } else {
            String xfp = ctx.header("X-Forwarded-Proto");
            if (xfp != null) {
                String[] values = xfp.split(",");
                proto = values[values.length - 1].trim();
            }
        }
        return "https".equalsIgnoreCase(proto);
    }

    /**
     * The client for a socket peer and the values of the proxy header (in the order received).
     */
    String resolve(String peer, List<String> headerValues) {
        // Jetty writes an IPv6 socket peer in brackets ([2001:db8::1]).
        InetAddress current = literal(peer != null && peer.startsWith("[") && peer.endsWith("]")
                ? peer.substring(1, peer.length() - 1) : peer);
        if (current == null) {
            return peer == null ? "" : peer;
        }
        if (!trusted(current) || headerValues.isEmpty()) {
            return current.getHostAddress();
        }
        List<String> hops = new ArrayList<>();
        for (String value : headerValues) {
            for (String element : value.split(",")) {
                hops.add(element.trim());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(settings.header() == Header.FORWARDED ? forwardedFor(hops.get(i))
                    : stripPort(hops.get(i)));
            if (hop == null) {
                // A hop we cannot read ("unknown", obfuscated, malformed): the last trusted proxy is all we know.
                break;
            }
            current = hop;
            if (!trusted(hop)) {
                break;
            }
        }
        return current.getHostAddress();
    }

    private boolean trusted(InetAddress a) {
        for (Cidr c : settings.trustedProxies()) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What rate limits count by: an IPv4 address itself, an IPv6 address by its /64 network (one subscriber
     * usually gets a whole /64 and can pick any address in it).
     */
    public static String bucket(String address) {
        InetAddress a = literal(address);
        if (a == null) {
            return address == null ? "" : address;
        }
        if (!(a instanceof Inet6Address)) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        return String.format("%x:%x:%x:%x::/64", ((b[0] & 0xff) << 8) | (b[1] & 0xff),
                ((b[2] & 0xff) << 8) | (b[3] & 0xff), ((b[4] & 0xff) << 8) | (b[5] & 0xff),
                ((b[6] & 0xff) << 8) | (b[7] & 0xff));
    }

    /** The {@code for=} node of one element of a {@code Forwarded} header, or null. */
    private static String forwardedFor(String element) {
        for (String pair : element.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
                String v = pair.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return stripPort(v);
            }
        }
        return null;
    }

    /** {@code [v6]:port}, {@code [v6]}, {@code v4:port} → the address. */
    private static String stripPort(String node) {
        String n = node.trim();
        if (n.startsWith("[")) {
            int end = n.indexOf(']');
            return end < 0 ? null : n.substring(1, end);
        }
        int colon = n.indexOf(':');
        if (colon > 0 && n.indexOf(':', colon + 1) < 0) {
            return n.substring(0, colon);
        }
        return n;
    }

    /** An IP literal, or null; never a name lookup. */
    static InetAddress literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        if (IPV4.matcher(text).matches()) {
            for (String octet : text.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null;
                }
            }
        } else if (!IPV6.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
    }
}
