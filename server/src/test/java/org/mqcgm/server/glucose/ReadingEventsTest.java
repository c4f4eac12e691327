package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.db.Database;
import org.mqcgm.server.platform.db.Notifications;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestDatabase;

/** "New readings for X" reaches watchers on this node and, batched through NOTIFY, on another node. */
class ReadingEventsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void watchersOnThisNodeAndOnAnotherNodeHearOfNewReadingsOfTheirOwnerOnly() throws Exception {
        UUID owner = app.newUser("events@example.org");
        UUID other = app.newUser("events-other@example.org");
        CountDownLatch here = new CountDownLatch(1);
        CountDownLatch there = new CountDownLatch(1);
        CountDownLatch wrongOwner = new CountDownLatch(1);
        Runnable stopHere = app.app().readings().events().watch(owner, o -> here.countDown());
        try (Database db = Database.open(app.jdbcUrl(), TestDatabase.user(), TestDatabase.password(), 2);
             Notifications notifications = new Notifications(db.dataSource());
             ReadingEvents nodeB = new ReadingEvents(db.jdbi())) {
            nodeB.listen(notifications);
            notifications.start();
            nodeB.watch(owner, o -> there.countDown());
            nodeB.watch(other, o -> wrongOwner.countDown());
            app.app().readings().store(owner, List.of(new Reading(Instant.now().minusSeconds(60), ZoneOffset.UTC, 140)));
            assertThat(here.await(10, TimeUnit.SECONDS)).as("this node").isTrue();
            assertThat(there.await(10, TimeUnit.SECONDS)).as("the other node").isTrue();
            // A later announcement for the other owner proves the first one did not reach the wrong watcher.
            assertThat(wrongOwner.getCount()).isEqualTo(1);
            app.app().readings().store(other, List.of(new Reading(Instant.now().minusSeconds(60), ZoneOffset.UTC, 90)));
            assertThat(wrongOwner.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            stopHere.run();
        }
    }
}
