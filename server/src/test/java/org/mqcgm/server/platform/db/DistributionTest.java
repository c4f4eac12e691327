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
 * <p>{@link #KNOWN} is the schema's debt when this check was written (issue 17): global unique lookups on
 * distributed tables (e-mail, token and secret digests, passkey credential ids, user handles and challenges of a
 * login whose account is not known yet, invitation hashes, case numbers), keys to a second person's account
 * (followers, grantees, agents, guardians), and two shared tables pointing at users' rows. All of one kind are fixed
 * together (a lookup table distributed by the looked-up key); each is removed from the list when fixed, and an entry
 * is added only for a lookup of the same kind.
 */
class DistributionTest {

    static final List<String> KNOWN = List.of(
            "account: the unique index account_email_index_key [email_index] does not include id",
            "account: the unique index account_phone_index_key [phone_index] does not include id",
            "passkey: the unique index passkey_credential_id_key [credential_id] does not include owner_id",
            "passkey_challenge: the primary key [challenge_hash] does not start with owner_id",
            "passkey_user: the unique index passkey_user_user_handle_key [user_handle] does not include owner_id",
            "clinician_link: the unique index clinician_link_token_hash_key [token_hash] does not include owner_id",
            "community_comment: the unique index community_comment_id [id] does not include owner_id",
            "community_post: the unique index community_post_id [id] does not include owner_id",
            "device: the unique index device_push_alias_key [push_alias] does not include owner_id",
            "guardian_invitation: the unique index guardian_invitation_id_key [id] does not include owner_id",
            "nightscout_credential: the unique index nightscout_credential_secret_sha1_key [secret_sha1] does not include owner_id",
            "nightscout_credential: the unique index nightscout_credential_secret_sha512_key [secret_sha512] does not include owner_id",
            "nightscout_credential: the unique index nightscout_credential_site_key [site] does not include owner_id",
            "nightscout_credential: the unique index nightscout_credential_token_digest_key [token_digest] does not include owner_id",
            "nightscout_credential: the unique index nightscout_credential_token_sha1_key [token_sha1] does not include owner_id",
            "push_subscription: the unique index push_subscription_endpoint_index_key [endpoint_index] does not include owner_id",
            "rights_request: the unique index rights_request_number_key [number] does not include owner_id",
            "rights_request: the primary key [id] does not start with owner_id",
            "share: the unique index share_invitation [invitation_hash] does not include owner_id",
            "support_attachment: the unique index support_attachment_id_key [id] does not include owner_id",
            "support_grant: the unique index support_grant_id_key [id] does not include owner_id",
            "support_ticket: the unique index support_ticket_id_key [id] does not include owner_id",
            "support_ticket: the unique index support_ticket_number_key [number] does not include owner_id",
            "calibration_plain_v7: no primary key (it must start with owner_id)",
            "sensor_plain_v7: no primary key (it must start with owner_id)",
            "alert_escalation.alert_escalation_follower_id_fkey [follower_id] → account [id]: a key across owners (it must pair owner_id with account.id)",
            "child_report.child_report_reported_account_fkey [reported_account] → account [id]: a shared (reference) table cannot point at a user's row; give it an owner_id or drop the key",
            "community_comment.community_comment_post_owner_post_id_fkey [post_owner, post_id] → community_post [owner_id, id]: a key across owners (it must pair owner_id with community_post.owner_id)",
            "community_like.community_like_post_owner_post_id_fkey [post_owner, post_id] → community_post [owner_id, id]: a key across owners (it must pair owner_id with community_post.owner_id)",
            "community_report.community_report_post_owner_post_id_fkey [post_owner, post_id] → community_post [owner_id, id]: a key across owners (it must pair owner_id with community_post.owner_id)",
            "guardianship.guardianship_guardian_id_fkey [guardian_id] → account [id]: a key across owners (it must pair owner_id with account.id)",
            "rights_request.rights_request_answered_by_fkey [answered_by] → account [id]: a key across owners (it must pair owner_id with account.id)",
            "rights_request.rights_request_claims_account_fkey [claims_account] → account [id]: a key across owners (it must pair owner_id with account.id)",
            "rights_request_event.rights_request_event_actor_id_fkey [actor_id] → account [id]: a shared (reference) table cannot point at a user's row; give it an owner_id or drop the key",
            "rights_request_event.rights_request_event_request_id_fkey [request_id] → rights_request [id]: a shared (reference) table cannot point at a user's row; give it an owner_id or drop the key",
            "share.share_grantee_id_fkey [grantee_id] → account [id]: a key across owners (it must pair owner_id with account.id)",
            "support_grant.support_grant_agent_id_fkey [agent_id] → account [id]: a key across owners (it must pair owner_id with account.id)",
            "support_message.support_message_agent_id_fkey [agent_id] → account [id]: a key across owners (it must pair owner_id with account.id)",
            "support_review.support_review_agent_id_fkey [agent_id] → account [id]: a key across owners (it must pair owner_id with account.id)");

    @Test
    void everyTableOfTheSchemaCanBeDistributedByItsOwner() {
        try (Database db = Database.open(TestDatabase.fresh(), TestDatabase.user(), TestDatabase.password(), 2)) {
            db.migrate();
            Distribution.Plan plan = Distribution.of(db.jdbi());
            String placement = plan.tables().stream().map(t -> t.name() + " " + t.kind()
                    + (t.column() == null ? "" : " by " + t.column())).collect(Collectors.joining("\n"));
            assertThat(plan.problems()).as(placement).containsExactlyInAnyOrderElementsOf(KNOWN);
            assertThat(plan.tables()).contains(
                    new Distribution.Table("account", Distribution.Kind.DISTRIBUTED, "id"),
                    new Distribution.Table("glucose_recent", Distribution.Kind.DISTRIBUTED, "owner_id"),
                    new Distribution.Table("scheduled_tasks", Distribution.Kind.LOCAL, null));
            assertThat(plan.statements()).contains("select create_distributed_table('account', 'id');",
                    "select create_distributed_table('glucose_recent', 'owner_id', colocate_with => 'account');");
        }
    }
}
