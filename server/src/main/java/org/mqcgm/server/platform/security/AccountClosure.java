package org.mqcgm.server.platform.security;

import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.mqcgm.server.platform.web.Language;

/**
 * What account cancellation needs from the accounts feature, which answers (PR-68, PR-87): close an account at once
 * (it stops working everywhere) and later erase it with everything that references it. The accounts' internals stay
 * private; the cancellation feature holds only this port.
 */
public interface AccountClosure {

    /** Where and in which language to confirm a cancellation; read before the account is erased. */
    record Contact(UUID account, String email, String phone, Language language) {
    }

    /** The account of an e-mail address or mobile number (operators cancelling on a user's behalf). */
    Optional<UUID> find(String identifier);

    /** The owner's addresses and language, while the account exists and its key is readable. */
    Optional<Contact> contact(UUID owner);

    /**
     * Inside the caller's transaction: marks the account cancelled (logins fail), ends every web session, revokes
     * every API token, unlinks every device (push aliases deleted) and announces
     * {@link Authenticator#CREDENTIALS_CHANGED} so open event streams on every node close when it commits.
     *
     * @return false when there is no active account with this id (already cancelled, or none)
     */
    boolean close(Handle h, UUID owner);

    /**
     * Inside the caller's transaction, which has run {@code set local mqcgm.erasure = 'on'}: deletes the account
     * row; every table holding the owner's rows references it {@code on delete cascade}, so they go with it.
     *
     * @return false when there was no such account
     */
    boolean erase(Handle h, UUID owner);
}
