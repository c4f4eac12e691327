/**
 * Transparency ports shared by every feature: the controller's contact ({@link
 * org.mqcgm.server.platform.transparency.ControllerContact}, PR-89) and purpose-bound reads of personal data
 * ({@link org.mqcgm.server.platform.transparency.PurposeContext}, {@link
 * org.mqcgm.server.platform.transparency.PurposeGuard}, PR-03).
 */
package org.mqcgm.server.platform.transparency;
