package org.mqcgm.server.platform;

import org.mqcgm.server.platform.profile.Profiles;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/**
 * What a feature's routes need to answer people: the template renderer, the page context (language, unit, CSRF
 * token, the signed-in person's profile) and the profile port for API routes.
 */
public record Web(Pages pages, PageContexts contexts, Profiles profiles) {
}
