package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * A public notice the layout shows to visitors who are not signed in — on the login page too — such as the
 * announcement of a security incident whose affected people could not all be reached (PR-58). Signed-in people see
 * their own {@link Notices} instead.
 */
public interface Announcements {

    Optional<Notices.Notice> of(Context ctx, Messages msg);

    Announcements NONE = (ctx, msg) -> Optional.empty();
}
