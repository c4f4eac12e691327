package org.mqcgm.server.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;

/**
 * A software WebAuthn authenticator for server tests: one P-256 credential of the JDK, a "none" attestation encoded
 * with webauthn4j's CBOR converter, assertions signed with the JDK, with the flags and counter a test asks for. It
 * writes the JSON bodies {@code /static/passkeys.js} sends; the server's verification is what is under test.
 */
public final class SoftwareAuthenticator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String rpId;
    private final String origin;
    private final KeyPair keys;
    private final byte[] credentialId = new byte[16];
    private byte[] userHandle;

    public SoftwareAuthenticator(String rpId, String origin) {
        this.rpId = rpId;
        this.origin = origin;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            keys = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        new SecureRandom().nextBytes(credentialId);
    }

    public byte[] credentialId() {
        return credentialId.clone();
    }

    /** The user handle its assertions carry (set by {@link #attestation}; a test may put another). */
    public void userHandle(byte[] handle) {
        this.userHandle = handle;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] clientData(String type, String challenge) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + origin
                + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
    }

    private static String enc(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The body of {@code POST /settings/passkeys}: a new credential for {@code challenge}, user verified. */
    public String attestation(String challenge, byte[] handle, String name) {
        userHandle = handle;
        byte flags = (byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV | AuthenticatorData.BIT_AT);
        AuthenticatorData<RegistrationExtensionAuthenticatorOutput> data = new AuthenticatorData<>(
                sha256(rpId.getBytes(StandardCharsets.UTF_8)), flags, 0, new AttestedCredentialData(
                AAGUID.ZERO, credentialId, EC2COSEKey.create((ECPublicKey) keys.getPublic(),
                COSEAlgorithmIdentifier.ES256)));
        byte[] attestation = new AttestationObjectConverter(new ObjectConverter()).convertToBytes(
                new AttestationObject(data, new NoneAttestationStatement()));
        ObjectNode body = JSON.createObjectNode().put("name", name).put("id", enc(credentialId))
                .put("clientDataJSON", enc(clientData("webauthn.create", challenge)))
                .put("attestationObject", enc(attestation));
        body.putArray("transports").add("internal");
        return body.toString();
    }

    /** The body of a login: an assertion of {@code challenge} with {@code counter}, plus {@code extra} fields. */
    public String assertion(String challenge, long counter, boolean userVerified, Map<String, String> extra) {
        try {
            byte[] clientData = clientData("webauthn.get", challenge);
            ByteArrayOutputStream authData = new ByteArrayOutputStream();
            authData.write(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
            authData.write(AuthenticatorData.BIT_UP | (userVerified ? AuthenticatorData.BIT_UV : 0));
            authData.write(ByteBuffer.allocate(4).putInt((int) counter).array());
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(authData.toByteArray());
            signer.update(sha256(clientData));
            ObjectNode body = JSON.createObjectNode().put("id", enc(credentialId))
                    .put("clientDataJSON", enc(clientData)).put("authenticatorData", enc(authData.toByteArray()))
                    .put("signature", enc(signer.sign()))
                    .put("userHandle", userHandle == null ? null : enc(userHandle));
            extra.forEach(body::put);
            return body.toString();
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
