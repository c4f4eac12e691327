package org.mqcgm.server.logbook;

import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.marks.CheckinMarks;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.search.PersonalSearch;

/**
 * The logbook: check-ins (meals with photos, insulin, exercise, medication, finger-sticks, notes) over the API, each
 * encrypted with its owner's key except its time and kind.
 */
public final class LogbookFeature implements Feature {

    /** The JSON answers of the API, by their component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    private final Platform platform;
    private final Checkins checkins;
    private final Photos photos;

    private final Predicate<UUID> shared;

    private LogbookFeature(Platform platform, Checkins checkins, Photos photos, Predicate<UUID> shared) {
        this.platform = platform;
        this.checkins = checkins;
        this.photos = photos;
        this.shared = shared;
    }

    /**
     * Builds the feature.
     *
     * @param photos the photos of entries (the photos feature answers): attached on create and change, deleted with
     *               the entry
     */
    public static LogbookFeature create(Platform platform, Photos photos) {
        return create(platform, photos, person -> false);
    }

    /**
     * Builds the feature.
     *
     * @param photos the photos of entries (the photos feature answers)
     * @param shared whether a person shares their logbook with someone (the sharing feature answers): the forms
     *               then warn before saving a note with contact details (PR-90)
     */
    public static LogbookFeature create(Platform platform, Photos photos, Predicate<UUID> shared) {
        return new LogbookFeature(platform, new Checkins(platform.jdbi(), platform.userKeys(), platform.mapper(),
                photos, platform.systemClock()), photos, shared);
    }

    @Override
    public void routes(Routes routes, Web web) {
        new CheckinApiRoutes(checkins, platform.json(), platform.dataClock()).register(routes);
        new LogbookPage(checkins, photos, platform.dataClock(), web.pages(), web.contexts(), shared)
                .register(routes);
    }

    /** The entries as marks on the owner's glucose curve (Today, History, the AGP report's daily profiles). */
    public CheckinMarks marks() {
        return new LogbookMarks(checkins);
    }

    /** Whether a photo belongs to a check-in at or after a time (the photos feature asks for a follower's window). */
    public Photos.CheckinTimes checkinTimes() {
        return checkins::hasPhotoSince;
    }

    /** The check-ins as other features write and read them (the Nightscout API's treatments). */
    public org.mqcgm.server.platform.logbook.LogbookEntries entries() {
        return new LogbookPort(checkins, platform.dataClock());
    }

    /** Search in a person's own logbook (the community's search takes it). */
    public PersonalSearch search() {
        return new LogbookSearch(checkins, platform.dataClock());
    }

    /** Every check-in, for "My data" and the export. */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new LogbookData(checkins, platform.mapper()));
    }
}
