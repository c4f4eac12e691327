/**
 * Accounts: registration, login, web sessions, API tokens and the user's preferences. Implements the
 * {@link org.mqcgm.server.platform.security.Authenticator} that access control asks.
 */
package org.mqcgm.server.accounts;
