package org.mqcgm.server.accounts;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords, RFC 6238 with the parameters every authenticator app supports: HMAC-SHA1, 30-second
 * steps, 6 digits (RFC 4226 dynamic truncation). A code is accepted for the current step and one step either side
 * (clock drift), and never twice: the caller remembers the last step used.
 */
final class Totp {

    static final int STEP_SECONDS = 30;
    static final int DIGITS = 6;
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private Totp() {
    }

    /** A new 160-bit secret (RFC 4226 recommends ≥ 128, 160 is the authenticator apps' default). */
    static byte[] newSecret() {
        byte[] secret = new byte[20];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    static long step(long epochSecond) {
        return Math.floorDiv(epochSecond, STEP_SECONDS);
    }

    /** The code of a step. */
    static int code(byte[] secret, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = h[h.length - 1] & 0x0f;
            int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8)
                    | (h[offset + 3] & 0xff);
            return binary % 1_000_000;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The step a code matches, if it matches one of now−1, now, now+1 that is later than {@code lastUsedStep}.
     */
    static OptionalLong verify(byte[] secret, String code, long nowStep, long lastUsedStep) {
        if (code == null) {
            return OptionalLong.empty();
        }
        String digits = code.replace(" ", "").trim();
        if (!digits.matches("[0-9]{6}")) {
            return OptionalLong.empty();
        }
        int value = Integer.parseInt(digits);
        for (long s = nowStep - 1; s <= nowStep + 1; s++) {
            if (s > lastUsedStep && code(secret, s) == value) {
                return OptionalLong.of(s);
            }
        }
        return OptionalLong.empty();
    }

    /** RFC 4648 base32 without padding, the form authenticator apps take. */
    static String base32(byte[] data) {
        StringBuilder sb = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(BASE32.charAt((buffer << (5 - bits)) & 31));
        }
        return sb.toString();
    }

    /** The {@code otpauth://} URI an authenticator app scans. */
    static String uri(byte[] secret, String account) {
        String label = java.net.URLEncoder.encode("mqcgm:" + account, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
        return "otpauth://totp/" + label + "?secret=" + base32(secret) + "&issuer=mqcgm&algorithm=SHA1&digits="
                + DIGITS + "&period=" + STEP_SECONDS;
    }
}
