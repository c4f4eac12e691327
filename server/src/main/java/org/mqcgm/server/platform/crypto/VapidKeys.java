package org.mqcgm.server.platform.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.jdbi.v3.core.Jdbi;

/**
 * The deployment's VAPID key pair (RFC 8292): a P-256 key with which the server signs its Web Push requests, so a
 * push service accepts messages for a subscription only from the server the browser subscribed with. Made on first
 * start, kept in {@code deployment_secret} wrapped by the master key (never in a file or a setting); the public key
 * is what browsers are given as {@code applicationServerKey}.
 */
public final class VapidKeys {

    static final String NAME = "vapid";
    static final byte[] CONTEXT = "mqcgm.vapid-private-key".getBytes(StandardCharsets.UTF_8);

    private final ECPrivateKey privateKey;
    private final ECPublicKey publicKey;

    VapidKeys(ECPrivateKey privateKey, ECPublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** Loads the key pair, making it on first start (one per deployment, shared by every node). */
    public static VapidKeys loadOrCreate(Jdbi jdbi, MasterKey master) {
        return jdbi.inTransaction(h -> {
            h.execute("lock table deployment_secret in exclusive mode");
            DeploymentSecrets.Stored stored = h.createQuery(
                            "select wrapped, master_key_id from deployment_secret where name = :n")
                    .bind("n", NAME).map((rs, ctx) -> new DeploymentSecrets.Stored(rs.getBytes(1), rs.getString(2)))
                    .findOne().orElse(null);
            byte[] wrapped = stored == null ? null : stored.wrapped();
            try {
                if (wrapped == null) {
                    VapidKeys fresh = generate();
                    h.createUpdate("insert into deployment_secret (name, wrapped, master_key_id) values (:n, :w, :m)")
                            .bind("m", master.id())
                            .bind("n", NAME)
                            .bind("w", master.aead().encrypt(fresh.encoded(), CONTEXT)).execute();
                    return fresh;
                }
                return decode(master.aead(stored.masterKeyId()).decrypt(wrapped, CONTEXT));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot unwrap the VAPID key (wrong master key?)", e);
            }
        });
    }

    /**
     * Replaces the deployment's key pair with a new one ({@code mqcgm keys rotate-vapid-key}, issue 16, V1.6.3) and
     * returns it. Every browser subscription is bound to the old public key, so the caller also ends every
     * subscription; the servers must be stopped meanwhile (each loads the key at start).
     */
    public static VapidKeys replace(Jdbi jdbi, MasterKey master) {
        return jdbi.inTransaction(h -> {
            h.execute("lock table deployment_secret in exclusive mode");
            h.createUpdate("delete from deployment_secret where name = :n").bind("n", NAME).execute();
            VapidKeys fresh = generate();
            try {
                h.createUpdate("insert into deployment_secret (name, wrapped, master_key_id) values (:n, :w, :m)")
                        .bind("m", master.id()).bind("n", NAME)
                        .bind("w", master.aead().encrypt(fresh.encoded(), CONTEXT)).execute();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot wrap the VAPID key", e);
            }
            return fresh;
        });
    }

    /** A new random key pair (tests; {@link #loadOrCreate} in the server). */
    public static VapidKeys generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            return new VapidKeys((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stored form: the public point (65 bytes) followed by the private key in PKCS#8. */
    byte[] encoded() {
        byte[] pkcs8 = privateKey.getEncoded();
        byte[] out = Arrays.copyOf(publicKeyBytes(), 65 + pkcs8.length);
        System.arraycopy(pkcs8, 0, out, 65, pkcs8.length);
        return out;
    }

    static VapidKeys decode(byte[] stored) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance("EC");
        ECPrivateKey priv = (ECPrivateKey) factory.generatePrivate(
                new PKCS8EncodedKeySpec(Arrays.copyOfRange(stored, 65, stored.length)));
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(stored, 1, 33)),
                new BigInteger(1, Arrays.copyOfRange(stored, 33, 65)));
        ECPublicKey pub = (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(w, priv.getParams()));
        return new VapidKeys(priv, pub);
    }

    public ECPrivateKey privateKey() {
        return privateKey;
    }

    public ECPublicKey publicKey() {
        return publicKey;
    }

    /** The public key as an uncompressed point (65 bytes: 0x04, x, y). */
    public byte[] publicKeyBytes() {
        byte[] out = new byte[65];
        out[0] = 4;
        copy32(publicKey.getW().getAffineX().toByteArray(), out, 1);
        copy32(publicKey.getW().getAffineY().toByteArray(), out, 33);
        return out;
    }

    /** {@link #publicKeyBytes()} in base64url without padding: the {@code applicationServerKey} of browsers. */
    public String publicKeyBase64Url() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(publicKeyBytes());
    }

    private static void copy32(byte[] big, byte[] out, int at) {
        byte[] b = big.length > 32 ? Arrays.copyOfRange(big, big.length - 32, big.length) : big;
        System.arraycopy(b, 0, out, at + 32 - b.length, b.length);
    }
}
