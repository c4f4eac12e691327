package org.mqcgm.server.community;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.junit.jupiter.api.Test;

/** Who sees a post, by its visibility, the follower relation and moderation. */
class VisibilityTest {

    static final UUID AUTHOR = UUID.randomUUID();
    static final UUID FOLLOWER = UUID.randomUUID();
    static final UUID OTHER = UUID.randomUUID();

    final Community community = new Community(null, null, null, CommunityFeature.NO_PHOTOS,
            (author, viewer) -> author.equals(AUTHOR) && viewer.equals(FOLLOWER), java.time.Clock.systemUTC(),
            new org.mqcgm.server.platform.consent.Consents() {
                @Override
                public boolean granted(UUID owner, Purpose purpose) {
                    return !owner.equals(WITHDRAWN);
                }

                @Override
                public void record(UUID owner, Purpose purpose, boolean granted, String channel) {
                }
            }, org.mqcgm.server.platform.snapshot.MetricSnapshots.NONE);

    /** An author who withdrew the consent to publishing. */
    static final UUID WITHDRAWN = UUID.randomUUID();

    static PostStore.Row post(String visibility, Instant hidden) {
        return new PostStore.Row(AUTHOR, UUID.randomUUID(), Instant.now(), Instant.now(), visibility, new byte[0],
                List.of(), hidden);
    }

    @Test
    void followersPostsReachTheAuthorsFollowersOnly() {
        PostStore.Row p = post("followers", null);
        assertThat(community.visible(p, AUTHOR)).isTrue();
        assertThat(community.visible(p, FOLLOWER)).isTrue();
        assertThat(community.visible(p, OTHER)).isFalse();
        assertThat(community.visible(p, null)).isFalse();
    }

    @Test
    void privatePostsReachTheAuthorOnlyAndPublicOnesEveryone() {
        assertThat(community.visible(post("private", null), FOLLOWER)).isFalse();
        assertThat(community.visible(post("private", null), AUTHOR)).isTrue();
        assertThat(community.visible(post("public", null), null)).isTrue();
    }

    @Test
    void aHiddenPostReachesItsAuthorOnly() {
        PostStore.Row p = post("public", Instant.now());
        assertThat(community.visible(p, AUTHOR)).isTrue();
        assertThat(community.visible(p, FOLLOWER)).isFalse();
        assertThat(community.visible(p, null)).isFalse();
    }

    @Test
    void aPostOfAnAuthorWhoWithdrewTheConsentIsSeenByNobodyElse() {
        PostStore.Row post = new PostStore.Row(WITHDRAWN, UUID.randomUUID(), Instant.now(), Instant.now(), "public",
                new byte[0], List.of(), null);
        assertThat(community.visible(post, null)).isFalse();
        assertThat(community.visible(post, OTHER)).isFalse();
        assertThat(community.visible(post, WITHDRAWN)).isTrue();
    }
}
