package org.mqcgm.server.platform.push;

import java.util.Optional;
import java.util.UUID;

/**
 * What a push subscription is tied to, answered by the accounts feature (PR-12): the credential that made it (a
 * web session or an API token) and, for an app that registered its device, that device's push alias. When either
 * ends (logout, token revoked, account closed, device removed or its alias rotated) the push feature removes the
 * subscription; accounts announce such ends on {@code Authenticator.CREDENTIALS_CHANGED}.
 */
public interface PushBindings {

    /** A registered device and its current push alias. */
    record Device(UUID id, UUID alias) {
    }

    /**
     * Whether a credential of {@code owner} still works: {@code session:<id>} (a web session's listed id) or
     * {@code token:<uuid>} (an API token's id).
     */
    boolean live(UUID owner, String credential);

    /** The linked device that uses API token {@code token}, if the app registered one. */
    Optional<Device> deviceOfToken(UUID owner, UUID token);

    /** Whether {@code device} of {@code owner} is still linked and still has {@code alias}. */
    boolean aliasLive(UUID owner, UUID device, UUID alias);
}
