package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.Wait;

/** The token cache never outlives a revocation, on this node or on another one. */
class TokenCacheTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void aRevocationOnOneNodeReachesTheCacheOfAnother() {
        UUID owner = app.newUser("cache@example.org");
        ApiTokens nodeA = app.app().apiTokens();
        // A second server node: its own cache and listener over the same database.
        try (org.mqcgm.server.platform.db.Database db = org.mqcgm.server.platform.db.Database.open(
                app.jdbcUrl(),
                org.mqcgm.server.testing.TestDatabase.user(), org.mqcgm.server.testing.TestDatabase.password(), 3);
             org.mqcgm.server.platform.db.Notifications notifications =
                     new org.mqcgm.server.platform.db.Notifications(db.dataSource())) {
            ApiTokens nodeB = new ApiTokens(db.jdbi(), Clock.systemUTC());
            nodeB.listenForRevocations(notifications);
            notifications.start();
            String token = nodeA.create(owner, "shared", EnumSet.of(Scope.READINGS_READ));
            assertThat(nodeB.resolve(token)).isPresent(); // now cached on B
            assertThat(nodeB.resolve(token)).isPresent();
            UUID id = nodeA.list(owner).get(0).id();
            assertThat(nodeA.revoke(owner, id)).isTrue();
            assertThat(nodeA.resolve(token)).isEmpty();
            Wait.until("node B learned of the revocation", () -> nodeB.resolve(token).isEmpty());
        }
    }

    @Test
    void aTokenReadWhileItsRevocationWasUncommittedIsNotCachedPastTheCommit() {
        UUID owner = app.newUser("cache-race@example.org");
        // A node of its own without a listener: only the revoking transaction itself can clear its cache.
        ApiTokens node = new ApiTokens(app.sql(), Clock.systemUTC());
        String token = node.create(owner, "racing", EnumSet.of(Scope.READINGS_READ));
        try (org.jdbi.v3.core.Handle h = app.sql().open()) {
            h.begin();
            h.createUpdate("update account set status = 'cancelled' where id = :id").bind("id", owner).execute();
            node.revoked(h, owner);
            // Another request reads the committed state (still active) and caches the principal.
            assertThat(node.resolve(token)).isPresent();
            h.commit();
        }
        assertThat(node.resolve(token)).as("resolved after the closing committed").isEmpty();
    }
}
