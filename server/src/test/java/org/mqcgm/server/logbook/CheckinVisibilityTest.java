package org.mqcgm.server.logbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.platform.security.Grant;
import org.mqcgm.server.platform.security.ShareScope;

/** What someone the wearer shares their logbook with sees of it: the granted window, photos only when shared. */
class CheckinVisibilityTest {

    static Checkin meal(String time, UUID photo) {
        return new Checkin(UUID.randomUUID(), OffsetDateTime.parse(time), Checkin.Kind.MEAL,
                new Checkin.Values(java.math.BigDecimal.TEN, null, null, null, null, null, null, null, null, null,
                        null, List.of(photo)), Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void aGranteeSeesTheGrantedWindowAndPhotosOnlyWithThePhotosShare() {
        UUID photo = UUID.randomUUID();
        Checkin old = meal("2026-11-01T12:00:00+08:00", photo);
        Checkin recent = meal("2026-11-09T12:00:00+08:00", photo);
        Instant from = Instant.parse("2026-11-05T00:00:00Z");
        Grant logbookOnly = new Grant(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                Set.of(ShareScope.LOGBOOK), from, null);
        List<ApiSchemas.CheckinView> seen = CheckinApiRoutes.visible(List.of(recent, old), logbookOnly);
        assertThat(seen).extracting(ApiSchemas.CheckinView::id).containsExactly(recent.id().toString());
        assertThat(seen.get(0).photos()).isEmpty();

        Grant withPhotos = new Grant(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                Set.of(ShareScope.LOGBOOK, ShareScope.PHOTOS), null, null);
        assertThat(CheckinApiRoutes.visible(List.of(recent, old), withPhotos))
                .allSatisfy(v -> assertThat(v.photos()).containsExactly(photo.toString())).hasSize(2);
        assertThat(CheckinApiRoutes.visible(List.of(recent, old), null)).hasSize(2);
    }
}
