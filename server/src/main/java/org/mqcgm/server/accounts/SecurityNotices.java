package org.mqcgm.server.accounts;

import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * Security notices to the owner (issue 16): by e-mail (or text message, for accounts with a phone only) and in the
 * activity list under Settings → Security activity. Sent when two-factor authentication is turned on or off, when
 * new recovery codes are made, at a login from a new device or network ({@link LoginDevices}), and when a TOTP code
 * already accepted once is tried again. The notices carry no code, no address and no health data: they point to the
 * activity page, where the time, the network and the browser are listed.
 */
final class SecurityNotices {

    private final SecurityEvents events;
    private final LoginDevices devices;
    /** Sends a message of a kind to the owner's login, in their language (null code and link). */
    private final BiConsumer<UUID, AccountMail.Kind> mail;

    SecurityNotices(SecurityEvents events, LoginDevices devices,
                    BiConsumer<UUID, AccountMail.Kind> mail) {
        this.events = events;
        this.devices = devices;
        this.mail = mail;
    }

    /** Two-factor authentication was turned on (with new recovery codes); the event is recorded by the caller. */
    void twoFactorOn(UUID owner, ClientFacts client) {
        events.record(owner, SecurityEvents.Kind.RECOVERY_CODES_CREATED, client, null);
        mail.accept(owner, AccountMail.Kind.TWO_FACTOR_ON);
    }

    /** Two-factor authentication was turned off; the event is recorded by the caller. */
    void twoFactorOff(UUID owner) {
        mail.accept(owner, AccountMail.Kind.TWO_FACTOR_OFF);
    }

    /** New recovery codes replaced the old ones (two-factor staying on). */
    void recoveryCodes(UUID owner, ClientFacts client) {
        events.record(owner, SecurityEvents.Kind.RECOVERY_CODES_CREATED, client, null);
        mail.accept(owner, AccountMail.Kind.RECOVERY_CODES);
    }

    /** A login succeeded (every factor done): a new device or network is listed and the owner told. */
    void loggedIn(UUID owner, ClientFacts client) {
        if (devices.loggedIn(owner, client)) {
            events.record(owner, SecurityEvents.Kind.LOGIN_NEW_DEVICE, client, LoginDevices.family(client.userAgent()));
            mail.accept(owner, AccountMail.Kind.NEW_LOGIN);
        }
    }

    /** A TOTP code accepted once already was tried again (refused as a wrong code): listed, and the owner told. */
    void totpReused(UUID owner, ClientFacts client) {
        events.record(owner, SecurityEvents.Kind.TOTP_REUSED, client, null);
        mail.accept(owner, AccountMail.Kind.TOTP_REUSED);
    }
}
