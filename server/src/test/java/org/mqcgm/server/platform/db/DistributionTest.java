package org.mqcgm.server.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.testing.TestDatabase;

/**
 * The schema stays ready for Citus: after every migration, each user-owned table can be distributed by its owner
 * column co-located with the account, and each other table is a shared (reference) or coordinator-local one —
 * a new table with its owner column not first in its key, or a foreign key across owners, fails here.
 *
 * <p>{@link #KNOWN} was the schema's debt when this check was written (issue 17): 39 entries — global unique lookups on
 * distributed tables, keys to a second person's account, shared tables pointing at users' rows, and two aside
 * tables without a primary key. All are resolved by placement, without a change to the schema: the account and the
 * small per-person tables with a global lookup are reference tables ({@link Distribution#SHARED}; the work queues
 * claimed across owners too, {@link Distribution#QUEUES}), the login
 * challenge is distributed by its own key ({@link Distribution#LOOKUP}), and the aside tables stay on the
 * coordinator. The list stays empty: a new table must be distributable by its owner, or be named in one of those
 * sets with its reason.
 */
class DistributionTest {

    static final List<String> KNOWN = List.of();

    @Test
    void everyTableOfTheSchemaCanBeDistributedByItsOwner() {
        try (Database db = Database.open(TestDatabase.fresh(), TestDatabase.user(), TestDatabase.password(), 2)) {
            db.migrate();
            Distribution.Plan plan = Distribution.of(db.jdbi());
            String placement = plan.tables().stream().map(t -> t.name() + " " + t.kind()
                    + (t.column() == null ? "" : " by " + t.column())).collect(Collectors.joining("\n"));
            assertThat(plan.problems()).as(placement).containsExactlyInAnyOrderElementsOf(KNOWN);
            assertThat(plan.tables()).contains(
                    new Distribution.Table("account", Distribution.Kind.REFERENCE, null),
                    new Distribution.Table("glucose_recent", Distribution.Kind.DISTRIBUTED, "owner_id"),
                    new Distribution.Table("passkey_challenge", Distribution.Kind.DISTRIBUTED, "challenge_hash"),
                    new Distribution.Table("push_message", Distribution.Kind.REFERENCE, null),
                    new Distribution.Table("export_chunk", Distribution.Kind.DISTRIBUTED, "owner_id"),
                    new Distribution.Table("scheduled_tasks", Distribution.Kind.LOCAL, null));
            assertThat(plan.statements()).contains("select create_reference_table('account');",
                    "select create_distributed_table('glucose_recent', 'owner_id');",
                    "select create_distributed_table('sensor_session', 'owner_id', colocate_with => 'glucose_recent');",
                    "select create_distributed_table('passkey_challenge', 'challenge_hash', colocate_with => 'none');");
            List<String> order = plan.tables().stream().map(Distribution.Table::name).toList();
            assertThat(order.indexOf("sensor")).as("a table after the table it points at")
                    .isLessThan(order.indexOf("sensor_session"));
            assertThat(order.indexOf("support_ticket")).isLessThan(order.indexOf("support_message"));
        }
    }
}
