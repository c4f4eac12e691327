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
 *       site-local, unique-local, wildcard or multicast: no request into the server's own network); with
 *       {@code allowLoopbackHttp} (tests) loopback hosts are allowed, over plain http too;</li>
 *   <li>redirects are never followed: a 3xx answer fails the transfer ("redirect refused"), so data cannot be
 *       steered to another host;</li>
 *   <li>bounded: 10 s to connect, 60 s for the whole exchange (request, answer headers and answer body: a
 *       destination that answers and then trickles its body is cut off at the bound and the transfer fails
 *       "timed out").</li>
 * </ul>
 * The destination is checked again before each request (a name may resolve differently later). Nothing of the
 * request (body, headers, credential) is logged.
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

    private final boolean allowLoopbackHttp;
    private final Duration exchange;
    private final HttpClient client;

    HttpTransfers(boolean allowLoopbackHttp) {
        this(allowLoopbackHttp, REQUEST);
    }

    /** With another bound on one whole exchange (tests). */
    HttpTransfers(boolean allowLoopbackHttp, Duration exchange) {
        this.allowLoopbackHttp = allowLoopbackHttp;
        this.exchange = exchange;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT)
                .build();
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
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new Refused("unknown host");
        }
        for (InetAddress a : addresses) {
            boolean privateAddress = a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                    || a.isAnyLocalAddress() || a.isMulticastAddress()
                    || (a.getAddress().length == 16 && (a.getAddress()[0] & 0xfe) == 0xfc);
            if (privateAddress && !(loopback && a.isLoopbackAddress())) {
                throw new Refused("host in a private network");
            }
        }
        return uri;
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.equals("::1");
    }

    /**
     * POSTs {@code body} to {@code url} and returns the status of a 2xx answer; any other answer, a redirect, a
     * refused destination, a timeout or a broken connection throws {@link Refused} with a fixed reason.
     */
    public int post(String url, String contentType, Map<String, String> headers, byte[] body) throws Refused {
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
        if (status < 200 || status >= 300) {
            throw new Refused("answered " + status);
        }
        return status;
    }
}
