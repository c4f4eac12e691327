package org.mqcgm.server.accounts;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.mqcgm.server.platform.security.AccountClosure;

/**
 * The accounts' side of cancellation ({@link AccountClosure}): closing an account stops every credential at once,
 * erasing it deletes the account row and, through {@code on delete cascade}, every row that references it.
 */
final class AccountClosing implements AccountClosure {

    private final Accounts accounts;
    private final ApiTokens tokens;
    private final Clock clock;

    AccountClosing(Accounts accounts, ApiTokens tokens, Clock clock) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public Optional<UUID> find(String identifier) {
        return accounts.findId(identifier);
    }

    @Override
    public Optional<Contact> contact(UUID owner) {
        return accounts.find(owner).map(a -> new Contact(a.id(), a.email(), a.phone(), a.language()));
    }

    @Override
    public boolean close(Handle h, UUID owner) {
        int closed = h.createUpdate("update account set status = 'cancelled' where id = :id and status <> 'cancelled'")
                .bind("id", owner).execute();
        if (closed == 0) {
            return false;
        }
        var now = Sessions.utc(clock.instant());
        h.createUpdate("delete from web_session where owner_id = :o").bind("o", owner).execute();
        h.createUpdate("delete from login_challenge where owner_id = :o").bind("o", owner).execute();
        h.createUpdate("delete from one_time_code where owner_id = :o").bind("o", owner).execute();
        h.createUpdate("update api_token set revoked_at = :now where owner_id = :o and revoked_at is null")
                .bind("now", now).bind("o", owner).execute();
        h.createUpdate("""
                        update device set unlinked_at = coalesce(unlinked_at, :now), push_alias = null, token_id = null
                        where owner_id = :o""")
                .bind("now", now).bind("o", owner).execute();
        // Cached token principals are forgotten here and, when this commits, on every node; open event streams of
        // the owner check their credential again and close.
        tokens.revoked(h, owner);
        return true;
    }

    @Override
    public boolean erase(Handle h, UUID owner) {
        return h.createUpdate("delete from account where id = :id").bind("id", owner).execute() == 1;
    }
}
