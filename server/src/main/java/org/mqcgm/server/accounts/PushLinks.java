package org.mqcgm.server.accounts;

import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.push.PushBindings;

/** The accounts' answers for push subscriptions (PR-12): live sessions and tokens, devices' push aliases. */
final class PushLinks implements PushBindings {

    private final Jdbi jdbi;
    private final Sessions sessions;

    PushLinks(Jdbi jdbi, Sessions sessions) {
        this.jdbi = jdbi;
        this.sessions = sessions;
    }

    @Override
    public boolean live(UUID owner, String credential) {
        if (credential.startsWith("session:")) {
            return sessions.live(owner, credential.substring("session:".length()));
        }
        if (credential.startsWith("token:")) {
            UUID token;
            try {
                token = UUID.fromString(credential.substring("token:".length()));
            } catch (IllegalArgumentException e) {
                return false;
            }
            return jdbi.withHandle(h -> h.createQuery("""
                            select exists(select 1 from api_token t join account a on a.id = t.owner_id
                              where t.owner_id = :o and t.id = :id and t.revoked_at is null and a.status = 'active')""")
                    .bind("o", owner).bind("id", token).mapTo(Boolean.class).one());
        }
        return false;
    }

    @Override
    public Optional<Device> deviceOfToken(UUID owner, UUID token) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, push_alias from device where owner_id = :o and token_id = :t
                          and unlinked_at is null and push_alias is not null order by last_seen_at desc limit 1""")
                .bind("o", owner).bind("t", token)
                .map((rs, ctx) -> new Device(rs.getObject("id", UUID.class), rs.getObject("push_alias", UUID.class)))
                .findOne());
    }

    @Override
    public boolean aliasLive(UUID owner, UUID device, UUID alias) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select exists(select 1 from device where owner_id = :o and id = :d and push_alias = :a
                          and unlinked_at is null)""")
                .bind("o", owner).bind("d", device).bind("a", alias).mapTo(Boolean.class).one());
    }
}
