/**
 * The rights of access and copy (issue 11, PR-60, PR-70): "My data" lists what every feature holds about a person,
 * and an export writes all of it into a ZIP archive, made by a cluster-safe background job and kept encrypted with
 * the owner's key for 7 days. Features contribute through {@link org.mqcgm.server.platform.rights.PersonalData}.
 */
package org.mqcgm.server.rights;
