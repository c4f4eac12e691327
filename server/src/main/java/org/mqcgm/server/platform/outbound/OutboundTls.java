package org.mqcgm.server.platform.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CertSelector;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS of every outbound client of the server (ASVS V9.2.4): HTTP transfers and Web Push
 * ({@link HttpTransfers}), e-mail over SMTP with TLS ({@link SmtpSender}) and the Vault KMS client. Certificate chains
 * are validated by the JDK's PKIX validator against the JVM's trust anchors (the {@code javax.net.ssl.trustStore}
 * when one is set, otherwise {@code jssecacerts} or {@code cacerts}), host names by the client, and <b>every
 * certificate of the chain is checked for revocation</b>: first the CRL at the certificate's CRL distribution points
 * (Let's Encrypt ended OCSP in 2025 and publishes CRLs only), then OCSP at its authority information access when no
 * CRL answers; a stapled OCSP answer is used when the server sends one. A certificate found revoked is always
 * refused.
 *
 * <p>When the status cannot be determined (no CRL distribution point nor OCSP responder, or neither reachable) the
 * policy decides, {@code MQCGM_OUTBOUND_REVOCATION}:
 * <ul>
 *   <li>{@code hard} (default): refused, the connection fails ("connection failed"); the server must be able to
 *       fetch the CAs' CRLs over http (port 80) and OCSP answers (the deployment's outbound firewall allows them:
 *       {@code docs/deployment.md});</li>
 *   <li>{@code soft}: accepted with a warning in the log (a deployment whose SMTP relay or Vault uses a private CA
 *       without CRLs, or without access to the CAs' CRL servers); the chain and the name are still checked, and a
 *       certificate found revoked is still refused.</li>
 * </ul>
 * CRLs are fetched only from certificates whose signature was already verified up to a trust anchor (the JDK checks
 * revocation after the signature of each certificate of the path), and cached by the JDK between connections.
 */
public final class OutboundTls {

    private static final Logger log = LoggerFactory.getLogger(OutboundTls.class);

    /** The setting that chooses the policy. */
    public static final String SETTING = "MQCGM_OUTBOUND_REVOCATION";

    /** What to do when a certificate's revocation status cannot be determined. */
    public enum Revocation {
        /** Refuse the certificate (the default). */
        HARD_FAIL,
        /** Accept it; a certificate known to be revoked is still refused. */
        SOFT_FAIL;

        /** {@code hard} or {@code soft} (blank: {@code hard}). */
        public static Revocation parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "", "hard", "hard-fail" -> HARD_FAIL;
                case "soft", "soft-fail" -> SOFT_FAIL;
                default -> throw new IllegalArgumentException("must be hard or soft (got '" + text + "')");
            };
        }
    }

    private static volatile Revocation policy = Revocation.HARD_FAIL;
    private static final Map<Revocation, SSLContext> SYSTEM = new EnumMap<>(Revocation.class);

    private OutboundTls() {
    }

    /** Sets the policy of the server's outbound clients (the composition root, from {@value #SETTING}). */
    public static void configure(Revocation revocation) {
        policy = revocation;
    }

    /** The configured policy. */
    public static Revocation policy() {
        return policy;
    }

    /** The TLS of the outbound clients: the JVM's trust anchors, revocation checked under the configured policy. */
    public static SSLContext system() {
        Revocation r = policy;
        synchronized (SYSTEM) {
            return SYSTEM.computeIfAbsent(r, p -> {
                try {
                    return trusting(systemAnchors(), p);
                } catch (GeneralSecurityException | IOException e) {
                    throw new IllegalStateException("cannot load the JVM's trust anchors: " + e.getMessage(), e);
                }
            });
        }
    }

    /** A TLS context trusting the certificates of {@code anchors}, revocation checked under {@code revocation}. */
    public static SSLContext trusting(KeyStore anchors, Revocation revocation) throws GeneralSecurityException {
        X509ExtendedTrustManager checked = trustManager(anchors, true);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {revocation == Revocation.HARD_FAIL ? checked
                : new SoftFail(checked, trustManager(anchors, false))}, null);
        return ctx;
    }

    /**
     * PKIX against {@code anchors}; with {@code revocation}, every certificate's CRL (at its distribution points)
     * first, OCSP when no CRL answers, and an undeterminable status is a failure.
     */
    private static X509ExtendedTrustManager trustManager(KeyStore anchors, boolean revocation)
            throws GeneralSecurityException {
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, new X509CertSelector());
        if (revocation) {
            PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX")
                    .getRevocationChecker();
            checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS));
            params.addCertPathChecker(checker);
        }
        params.setRevocationEnabled(revocation);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(new CertPathTrustManagerParameters(params));
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** Whether a validation failed only because a revocation status could not be determined (never "revoked"). */
    static boolean undetermined(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException c) {
                return c.getReason() == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS;
            }
        }
        return false;
    }

    /**
     * Soft-fail: the full check first; when it fails only for an undeterminable revocation status, the chain and
     * name are checked again without revocation, and the connection goes on with a warning in the log. A revoked
     * certificate, a wrong chain or name still fail.
     */
    private static final class SoftFail extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager checked;
        private final X509ExtendedTrustManager unchecked;

        SoftFail(X509ExtendedTrustManager checked, X509ExtendedTrustManager unchecked) {
            this.checked = checked;
            this.unchecked = unchecked;
        }

        private interface Check {
            void run(X509ExtendedTrustManager tm) throws CertificateException;
        }

        private void server(Check check) throws CertificateException {
            try {
                check.run(checked);
            } catch (CertificateException e) {
                if (!undetermined(e)) {
                    throw e;
                }
                check.run(unchecked);
                log.warn("outbound TLS: a certificate's revocation status could not be determined; accepted under"
                        + " {}=soft", SETTING);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            server(tm -> tm.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            server(tm -> tm.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            server(tm -> tm.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checked.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checked.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            checked.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return checked.getAcceptedIssuers();
        }
    }

    /** The JVM's trust store, as the JDK's default trust manager finds it. */
    static KeyStore systemAnchors() throws GeneralSecurityException, IOException {
        String configured = System.getProperty("javax.net.ssl.trustStore");
        Path security = Path.of(System.getProperty("java.home"), "lib", "security");
        Path file = configured != null && !configured.isBlank() && !configured.equals("NONE") ? Path.of(configured)
                : Files.exists(security.resolve("jssecacerts")) ? security.resolve("jssecacerts")
                : security.resolve("cacerts");
        String password = System.getProperty("javax.net.ssl.trustStorePassword");
        String type = System.getProperty("javax.net.ssl.trustStoreType", KeyStore.getDefaultType());
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password == null ? null : password.toCharArray());
        }
        return ks;
    }
}
