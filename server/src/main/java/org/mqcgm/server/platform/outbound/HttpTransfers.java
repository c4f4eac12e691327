package org.mqcgm.server.platform.outbound;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP requests that carry a person's data to a third party they designated (PR-71). Every such request of the
 * server goes through here, so the rules hold in one place:
 * <ul>
 *   <li>only {@code https} URLs, without user info, to hosts whose every address is public (not loopback, link-local,
 *       private, unique-local, carrier-grade NAT, reserved, documentation, wildcard or multicast, nor an IPv6
 *       address embedding such an IPv4 address: see {@link #notPublic}; no request into the server's own network);
 *       with
 *       {@code allowLoopbackHttp} (tests) loopback hosts are allowed, over plain http too;</li>
 *   <li>redirects are never followed: a 3xx answer fails the transfer ("redirect refused"), so data cannot be
 *       steered to another host;</li>
 *   <li>bounded: 10 s to connect, 60 s for the whole exchange (request, answer headers and answer body: a
 *       destination that answers and then trickles its body is cut off at the bound and the transfer fails
 *       "timed out").</li>
 * </ul>
 * The destination is checked again before each request (a name may resolve differently later). Web Push
 * ({@link #forPush}) connects to the very address it checked, with TLS still verified against the host name, so a
 * DNS answer that changes between the check and the connection (DNS rebinding) cannot reach a private address. Known
 * gap for transfers: {@link HttpClient} resolves the name again when it connects. Nothing of the request (body,
 * headers, credential) is logged. TLS, for both: {@link OutboundTls} (chains, names and certificate revocation).
 */
public final class HttpTransfers {

    /** Why a destination or a request was refused; {@code reason} is a fixed phrase, safe to log and to show. */
    public static final class Refused extends Exception {
        private final String reason;

        public Refused(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    static final Duration CONNECT = Duration.ofSeconds(10);
    static final Duration REQUEST = Duration.ofSeconds(60);

    /** Name resolution (the system's; tests give their own). */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowLoopbackHttp;
    private final java.util.List<String> allowedHosts;
    private final Duration exchange;
    private final HttpClient client;
    private final Resolver resolver;
    /** Connect to the very address that was checked (Web Push): no second resolution, no DNS rebinding. */
    private final boolean pinned;
    /** The pinned connections' TLS ({@link OutboundTls}: the JVM's trust store, revocation checked; a test's own). */
    private final javax.net.ssl.SSLSocketFactory tls;

    HttpTransfers(boolean allowLoopbackHttp) {
        this(allowLoopbackHttp, REQUEST);
    }

    /** With another bound on one whole exchange (tests). */
    HttpTransfers(boolean allowLoopbackHttp, Duration exchange) {
        this(allowLoopbackHttp, java.util.List.of(), exchange);
    }

    private HttpTransfers(boolean allowLoopbackHttp, java.util.List<String> allowedHosts, Duration exchange) {
        this(allowLoopbackHttp, allowedHosts, exchange, InetAddress::getAllByName, false);
    }

    /** Pinned to the checked address, with a resolver of the test's own. */
    HttpTransfers(boolean allowLoopbackHttp, java.util.List<String> allowedHosts, Duration exchange,
                  Resolver resolver, boolean pinned) {
        this(allowLoopbackHttp, allowedHosts, exchange, resolver, pinned, OutboundTls.system());
    }

    /** Pinned, with a resolver and the TLS socket factory of the test's own (a local HTTPS push service). */
    HttpTransfers(boolean allowLoopbackHttp, java.util.List<String> allowedHosts, Duration exchange,
                  Resolver resolver, boolean pinned, javax.net.ssl.SSLSocketFactory tls) {
        this(allowLoopbackHttp, allowedHosts, exchange, resolver, pinned, OutboundTls.system(), tls);
    }

    /**
     * With the TLS of {@code tls} for both kinds of connection (the server: {@link OutboundTls#system()}, the JVM's
     * trust anchors with revocation checked; tests: their own anchors under a chosen policy).
     */
    HttpTransfers(boolean allowLoopbackHttp, java.util.List<String> allowedHosts, Duration exchange,
                  Resolver resolver, boolean pinned, javax.net.ssl.SSLContext tls) {
        this(allowLoopbackHttp, allowedHosts, exchange, resolver, pinned, tls, tls.getSocketFactory());
    }

    private HttpTransfers(boolean allowLoopbackHttp, java.util.List<String> allowedHosts, Duration exchange,
                          Resolver resolver, boolean pinned, javax.net.ssl.SSLContext context,
                          javax.net.ssl.SSLSocketFactory tls) {
        this.tls = tls;
        this.allowLoopbackHttp = allowLoopbackHttp;
        this.allowedHosts = java.util.List.copyOf(allowedHosts);
        this.exchange = exchange;
        this.resolver = resolver;
        this.pinned = pinned;
        // A pinned gateway opens its own connections (see pinnedExchange) and needs no client.
        this.client = pinned ? null : HttpClient.newBuilder()
                .sslContext(context)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT)
                .build();
    }

    /**
     * The gateway for Web Push endpoints (the push feature): the same rules, and when {@code allowedHosts} is not
     * empty only those hosts (exact names, or {@code *.example.com} for its subdomains; loopback endpoints the
     * deployment allows stay allowed). Operator setting {@code MQCGM_PUSH_ALLOWED_HOSTS}.
     */
    public static HttpTransfers forPush(boolean allowLoopbackHttp, java.util.List<String> allowedHosts) {
        return new HttpTransfers(allowLoopbackHttp, allowedHosts, REQUEST, InetAddress::getAllByName, true);
    }

    private boolean allowedHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String a : allowedHosts) {
            if (a.startsWith("*.") ? h.endsWith(a.substring(1)) : h.equals(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What is wrong with {@code url} as a destination, if anything (a fixed phrase): not a URL, not https, user
     * info in it, an unknown host, or a host in a private network.
     */
    public Optional<String> problem(String url) {
        try {
            check(url);
            return Optional.empty();
        } catch (Refused e) {
            return Optional.of(e.reason());
        }
    }

    /** The destination {@code url}, checked; throws with the reason otherwise. */
    public URI check(String url) throws Refused {
        return target(url).uri();
    }

    /** A checked destination and the addresses its host resolved to, every one of them allowed. */
    private record Target(URI uri, InetAddress[] addresses) {
    }

    private Target target(String url) throws Refused {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new Refused("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (!uri.isAbsolute() || host == null || host.isBlank()) {
            throw new Refused("not a URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("user info in the URL");
        }
        boolean loopback = allowLoopbackHttp && isLoopback(host);
        if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
            throw new Refused("https required");
        }
        if (!allowedHosts.isEmpty() && !loopback && !allowedHost(host)) {
            throw new Refused("host not allowed");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new Refused("unknown host");
        }
        if (addresses == null || addresses.length == 0) {
            throw new Refused("unknown host");
        }
        for (InetAddress a : addresses) {
            if (notPublic(a.getAddress()) && !(loopback && a.isLoopbackAddress())) {
                throw new Refused("host in a private network");
            }
        }
        return new Target(uri, addresses);
    }

    /** IPv4 ranges that are not the public internet: {address, prefix length}. */
    private static final int[][] V4_BLOCKED = {
            {0x00000000, 8},    // 0.0.0.0/8 "this network"
            {0x0a000000, 8},    // 10.0.0.0/8 private
            {0x64400000, 10},   // 100.64.0.0/10 carrier-grade NAT (Alibaba's metadata 100.100.100.200 is in it)
            {0x7f000000, 8},    // 127.0.0.0/8 loopback
            {0xa9fe0000, 16},   // 169.254.0.0/16 link-local (cloud metadata 169.254.169.254)
            {0xac100000, 12},   // 172.16.0.0/12 private
            {0xc0000000, 24},   // 192.0.0.0/24 IETF protocol assignments
            {0xc0000200, 24},   // 192.0.2.0/24 documentation
            {0xc0586300, 24},   // 192.88.99.0/24 6to4 relay anycast
            {0xc0a80000, 16},   // 192.168.0.0/16 private
            {0xc6120000, 15},   // 198.18.0.0/15 benchmarking
            {0xc6336400, 24},   // 198.51.100.0/24 documentation
            {0xcb007100, 24},   // 203.0.113.0/24 documentation
            {0xe0000000, 4},    // 224.0.0.0/4 multicast
            {0xf0000000, 4},    // 240.0.0.0/4 reserved, broadcast
    };

    /**
     * Whether an address (4 or 16 bytes) is outside the public internet. IPv6: unspecified, loopback, IPv4-mapped
     * ({@code ::ffff:0:0/96}) and IPv4-compatible ({@code ::/96}), discard-only {@code 100::/64}, Teredo
     * {@code 2001::/32}, documentation {@code 2001:db8::/32}, unique-local {@code fc00::/7}, link-local
     * {@code fe80::/10}, site-local {@code fec0::/10}, multicast {@code ff00::/8}, local-use NAT64
     * {@code 64:ff9b:1::/48}; NAT64 {@code 64:ff9b::/96} and 6to4 {@code 2002::/16} by the IPv4 address they embed.
     */
    static boolean notPublic(byte[] a) {
        if (a.length == 4) {
            int v = ((a[0] & 0xff) << 24) | ((a[1] & 0xff) << 16) | ((a[2] & 0xff) << 8) | (a[3] & 0xff);
            for (int[] range : V4_BLOCKED) {
                int mask = -1 << (32 - range[1]);
                if ((v & mask) == range[0]) {
                    return true;
                }
            }
            return false;
        }
        if (a.length != 16) {
            return true;
        }
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        if (zero(a, 0, 10)) {
            // ::, ::1, ::/96 (IPv4-compatible), ::ffff:0:0/96 (IPv4-mapped): never a public destination.
            return true;
        }
        if (b0 == 0x01 && b1 == 0x00 && zero(a, 2, 8)) {
            return true; // 100::/64 discard-only
        }
        if (b0 == 0x20 && b1 == 0x01 && a[2] == 0 && a[3] == 0) {
            return true; // 2001::/32 Teredo (its IPv4 address is obfuscated)
        }
        if (b0 == 0x20 && b1 == 0x01 && (a[2] & 0xff) == 0x0d && (a[3] & 0xff) == 0xb8) {
            return true; // 2001:db8::/32 documentation
        }
        if (b0 == 0x00 && b1 == 0x64 && (a[2] & 0xff) == 0xff && (a[3] & 0xff) == 0x9b) {
            if (a[4] == 0 && a[5] == 1) {
                return true; // 64:ff9b:1::/48 local-use NAT64
            }
            // 64:ff9b::/96 NAT64: the IPv4 address in the last 4 bytes decides.
            return !zero(a, 4, 12) || notPublic(java.util.Arrays.copyOfRange(a, 12, 16));
        }
        if (b0 == 0x20 && b1 == 0x02) {
            // 2002::/16 6to4: the IPv4 address in bytes 2 to 5 decides.
            return notPublic(java.util.Arrays.copyOfRange(a, 2, 6));
        }
        return (b0 & 0xfe) == 0xfc          // fc00::/7 unique-local
                || b0 == 0xfe && (b1 & 0xc0) == 0x80  // fe80::/10 link-local
                || b0 == 0xfe && (b1 & 0xc0) == 0xc0  // fec0::/10 site-local (deprecated)
                || b0 == 0xff;                          // ff00::/8 multicast
    }

    private static boolean zero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.equals("::1");
    }

    /** A destination's answer to a POST: its status and its {@code Retry-After} header, if any. */
    public record Answer(int status, Optional<String> retryAfter) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * POSTs {@code body} to {@code url} and returns the status of a 2xx answer; any other answer, a redirect, a
     * refused destination, a timeout or a broken connection throws {@link Refused} with a fixed reason.
     */
    public int post(String url, String contentType, Map<String, String> headers, byte[] body) throws Refused {
        Answer answer = exchange(url, contentType, headers, body);
        if (!answer.ok()) {
            throw new Refused("answered " + answer.status());
        }
        return answer.status();
    }

    /**
     * POSTs {@code body} to {@code url} and returns the answer whatever its status, for protocols that act on
     * error statuses (Web Push: 404/410 end a subscription, 429 and 5xx are retried after {@code Retry-After}). A
     * redirect, a refused destination, a timeout or a broken connection throws {@link Refused}.
     */
    public Answer exchange(String url, String contentType, Map<String, String> headers, byte[] body)
            throws Refused {
        if (pinned) {
            return pinnedExchange(target(url), contentType, headers, body);
        }
        URI uri = check(url);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(exchange)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<Void> response;
        // The request's own timeout covers the answer's headers only; the future bounds the body too, and
        // cancelling it aborts the exchange (the connection is closed, nothing keeps the thread).
        CompletableFuture<HttpResponse<Void>> exchanged = client.sendAsync(request.build(),
                HttpResponse.BodyHandlers.discarding());
        try {
            response = exchanged.get(exchange.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchanged.cancel(true);
            throw new Refused("timed out");
        } catch (ExecutionException e) {
            throw new Refused(e.getCause() instanceof HttpTimeoutException ? "timed out" : "connection failed");
        } catch (InterruptedException e) {
            exchanged.cancel(true);
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        }
        int status = response.statusCode();
        if (status >= 300 && status < 400) {
            throw new Refused("redirect refused");
        }
        return new Answer(status, response.headers().firstValue("Retry-After"));
    }

    /**
     * One HTTP/1.1 POST over a connection to the address {@link #target} checked (the first one that accepts), TLS
     * verified against the host name (SNI and endpoint identification), so a DNS answer that changes after the
     * check cannot steer the request into a private network. Only the status line and the headers are read.
     */
    private Answer pinnedExchange(Target target, String contentType, Map<String, String> headers, byte[] body)
            throws Refused {
        URI uri = target.uri();
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        String host = uri.getHost();
        long deadline = System.nanoTime() + exchange.toNanos();
        java.net.Socket socket = null;
        try {
            java.io.IOException last = null;
            for (InetAddress a : target.addresses()) {
                java.net.Socket s = new java.net.Socket();
                try {
                    s.connect(new java.net.InetSocketAddress(a, port), (int) Math.min(CONNECT.toMillis(),
                            remaining(deadline)));
                    socket = s;
                    break;
                } catch (java.io.IOException e) {
                    last = e;
                    s.close();
                }
            }
            if (socket == null) {
                throw last instanceof java.net.SocketTimeoutException ? new Refused("timed out")
                        : new Refused("connection failed");
            }
            if (https) {
                javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) this.tls.createSocket(socket, host, port,
                        true);
                javax.net.ssl.SSLParameters p = tls.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                if (!host.startsWith("[") && !host.matches("[0-9.]+")) {
                    // A fully qualified name's final dot ("push.example.") is not part of the SNI name.
                    p.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(
                            host.endsWith(".") ? host.substring(0, host.length() - 1) : host)));
                }
                p.setApplicationProtocols(new String[] {"http/1.1"});
                tls.setSSLParameters(p);
                tls.setSoTimeout((int) remaining(deadline));
                tls.startHandshake();
                socket = tls;
            }
            StringBuilder head = new StringBuilder();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            head.append("POST ").append(path).append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    .append(" HTTP/1.1\r\n");
            boolean standard = https ? port == 443 : port == 80;
            head.append("Host: ").append(host).append(standard ? "" : ":" + port).append("\r\n");
            head.append("Content-Type: ").append(contentType).append("\r\n");
            head.append("Content-Length: ").append(body.length).append("\r\n");
            head.append("Connection: close\r\n");
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (h.getKey().indexOf('\r') >= 0 || h.getKey().indexOf('\n') >= 0 || h.getValue().indexOf('\r') >= 0
                        || h.getValue().indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("a header with a line break");
                }
                head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
            }
            head.append("\r\n");
            socket.setSoTimeout((int) remaining(deadline));
            java.io.OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            int code;
            Optional<String> retryAfter;
            // Interim answers (1xx, e.g. 100 Continue) come before the final one: skipped with their headers.
            int interim = 0;
            do {
                String status = line(in, socket, deadline);
                String[] parts = status.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                    throw new Refused("connection failed");
                }
                try {
                    code = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new Refused("connection failed");
                }
                retryAfter = Optional.empty();
                for (int n = 0; n < 200; n++) {
                    String h = line(in, socket, deadline);
                    if (h.isEmpty()) {
                        break;
                    }
                    int colon = h.indexOf(':');
                    if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("Retry-After")) {
                        retryAfter = Optional.of(h.substring(colon + 1).trim());
                    }
                }
            } while (code >= 100 && code < 200 && ++interim < 5);
            if (code >= 300 && code < 400) {
                throw new Refused("redirect refused");
            }
            return new Answer(code, retryAfter);
        } catch (java.net.SocketTimeoutException e) {
            throw new Refused("timed out");
        } catch (java.io.IOException e) {
            throw new Refused("connection failed");
        } finally {
            if (socket != null) {
                try {
                    socket.close();
                } catch (java.io.IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    private static long remaining(long deadline) throws java.net.SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new java.net.SocketTimeoutException();
        }
        return ms;
    }

    /** One header line (ISO-8859-1, at most 8 KB), without its CRLF. */
    private static String line(java.io.InputStream in, java.net.Socket socket, long deadline)
            throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            socket.setSoTimeout((int) remaining(deadline));
            int c = in.read();
            if (c == -1) {
                if (b.isEmpty()) {
                    throw new java.io.EOFException();
                }
                return b.toString();
            }
            if (c == '\n') {
                int end = b.length();
                return end > 0 && b.charAt(end - 1) == '\r' ? b.substring(0, end - 1) : b.toString();
            }
            if (b.length() > 8192) {
                throw new java.io.IOException("header line too long");
            }
            b.append((char) c);
        }
    }
}
