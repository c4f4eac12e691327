package org.mqcgm.server.accounts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.security.AccountDirectory;

/** The accounts in the directory other features may ask (ids only). */
final class AccountDirectoryStore implements AccountDirectory {

    private final Jdbi jdbi;

    AccountDirectoryStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public List<UUID> active() {
        return jdbi.withHandle(h -> h.createQuery("select id from account where status = 'active' order by id")
                .mapTo(UUID.class).list());
    }

    @Override
    public List<UUID> activeBetween(Instant from, Instant to) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id from account a where a.created_at >= :from and a.created_at < :to
                        union select owner_id from web_session where last_seen_at >= :from and created_at < :to
                        union select owner_id from api_token where last_used_at >= :from and created_at < :to
                        union select owner_id from login_known_client where last_login_at >= :from
                              and last_login_at < :to
                        order by 1""")
                .bind("from", from).bind("to", to).mapTo(UUID.class).list());
    }
}
