package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import java.util.Optional;
import org.mqcgm.server.platform.profile.Profile;

/**
 * A one-line notice the layout shows above a signed-in person's page (a minor change of the privacy policy). The
 * feature offering it decides when it was shown enough.
 */
public interface Notices {

    /** The notice: its text, and a link to read more. */
    record Notice(String text, String href, String linkText) {
    }

    Optional<Notice> of(Context ctx, Profile profile, Messages msg);

    Notices NONE = (ctx, profile, msg) -> Optional.empty();
}
