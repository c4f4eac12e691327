package org.mqcgm.collector.upload;

import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the collector may reach an upload target, which carries a credential (API token, Nightscout secret):
 * {@code https} always; {@code http} only to a loopback address (127.0.0.0/8, ::1, {@code localhost}) unless
 * {@code insecureHttp} is set; and, with pins ({@code sha256/<base64 of the SHA-256 of a certificate's
 * SubjectPublicKeyInfo>}), a TLS handshake succeeds only when a key of the server's certificate chain matches one.
 * A pin of the server's own key is trusted by itself (a self-signed certificate works); a pin of a CA's key
 * still needs a chain that the system trusts for that host name.
 *
 * @param insecureHttp allow {@code http://} to any host (the credential then crosses the network in clear)
 * @param pins         SHA-256 digests of trusted SubjectPublicKeyInfos; empty: the system's trust store alone
 */
public record Connection(boolean insecureHttp, List<byte[]> pins) {

    private static final Pattern IPV4_DIGITS = Pattern.compile("[0-9.]+");

    public Connection {
        pins = List.copyOf(pins);
    }

    /** https anywhere, http on loopback, no pins. */
    public static Connection defaults() {
        return new Connection(false, List.of());
    }

    /** Parses {@code --pin} values ({@code sha256/<base64>}); a malformed one is an IllegalArgumentException. */
    public static List<byte[]> parsePins(List<String> values) {
        List<byte[]> pins = new ArrayList<>();
        for (String v : values) {
            String s = v.trim();
            if (!s.startsWith("sha256/")) {
                throw new IllegalArgumentException("a pin is sha256/<base64 of the SHA-256 of the certificate's "
                        + "SubjectPublicKeyInfo> (got '" + v + "')");
            }
            byte[] digest;
            try {
                digest = Base64.getDecoder().decode(s.substring("sha256/".length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the pin '" + v + "' is not valid base64");
            }
            if (digest.length != 32) {
                throw new IllegalArgumentException("the pin '" + v + "' is not a SHA-256 digest (32 bytes)");
            }
            pins.add(digest);
        }
        return pins;
    }

    /** The pin of a certificate's key, as {@code --pin} takes it. */
    public static String pinOf(X509Certificate certificate) {
        return "sha256/" + Base64.getEncoder().encodeToString(spkiSha256(certificate));
    }

    /**
     * Refuses a URL this policy does not allow, before anything is sent: not http(s), no host, or {@code http}
     * to a host that is not loopback without {@code insecureHttp}.
     *
     * @throws InsecureTargetException naming the URL's scheme and host and what to do instead
     */
    public void check(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new InsecureTargetException("'" + url + "' is not an http(s) URL with a host");
        }
        if (scheme.equals("http") && !insecureHttp && !isLoopback(url.getHost())) {
            throw new InsecureTargetException("refusing to send the credential over plain http to "
                    + url.getHost() + ": use https:// (http is allowed only to this machine: 127.0.0.1, ::1, "
                    + "localhost), or pass --insecure-http if the network in between is trusted");
        }
    }

    /**
     * Whether the host of a URL is this machine: {@code localhost}, 127.0.0.0/8 or ::1 (IP literals only; no
     * other name is looked up).
     */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.equals("localhost.")) {
            return true;
        }
        if (!h.contains(":") && !IPV4_DIGITS.matcher(h).matches()) {
            return false; // a name: never resolved here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, not looked up
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    /** An HTTP client for this policy: the system's trust store, restricted to the pins when there are any. */
    public HttpClient client() {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (!pins.isEmpty()) {
            b.sslContext(pinningContext(systemTrust()));
        }
        return b.build();
    }

    SSLContext pinningContext(X509ExtendedTrustManager trusted) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new PinningTrustManager(trusted, pins)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    static X509ExtendedTrustManager systemTrust() {
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init((KeyStore) null);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the system trust store cannot be read", e);
        }
    }

    static byte[] spkiSha256(X509Certificate certificate) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A URL the connection policy refuses; its message says why and what to do. */
    public static final class InsecureTargetException extends IllegalArgumentException {
        InsecureTargetException(String message) {
            super(message);
        }
    }

    /**
     * Accepts a server chain whose leaf key matches a pin, or a chain in which some certificate's key matches a pin
     * and that the delegate (system trust, with host name check) accepts. Client-side checks are not used.
     */
    static final class PinningTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private final List<byte[]> pins;

        PinningTrustManager(X509ExtendedTrustManager delegate, List<byte[]> pins) {
            this.delegate = delegate;
            this.pins = List.copyOf(pins);
        }

        private boolean pinned(X509Certificate c) {
            byte[] digest = spkiSha256(c);
            for (byte[] pin : pins) {
                if (MessageDigest.isEqual(pin, digest)) {
                    return true;
                }
            }
            return false;
        }

        private interface Check {
            void run() throws CertificateException;
        }

        private void check(X509Certificate[] chain, Check delegateCheck) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            if (pinned(chain[0])) {
                chain[0].checkValidity();
                return; // the server's own key is pinned: trusted by itself
            }
            for (X509Certificate c : chain) {
                if (pinned(c)) {
                    delegateCheck.run(); // a CA's key is pinned: the chain must also be valid for this host
                    return;
                }
            }
            throw new CertificateException("no key of the server's certificate chain matches a --pin");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, () -> delegate.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, () -> delegate.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, () -> delegate.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a collector does not accept clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a collector does not accept clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a collector does not accept clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
