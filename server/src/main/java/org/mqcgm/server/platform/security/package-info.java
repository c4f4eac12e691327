/**
 * Who is asking and what they may do. {@link org.mqcgm.server.platform.security.AccessControl} is the one place
 * where access is decided: every route declares an {@link org.mqcgm.server.platform.security.Access} rule when it is
 * registered, and handlers receive an authenticated {@link org.mqcgm.server.platform.security.Principal}.
 */
package org.mqcgm.server.platform.security;
