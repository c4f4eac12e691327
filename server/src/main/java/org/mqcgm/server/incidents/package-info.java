/**
 * Security incidents and security reports (issue 15, PR-56, PR-57, PR-58): the incident register with its
 * append-only step log, notices to the people affected on every channel with delivery tracking, the public
 * announcement when someone cannot be reached, and the published impact assessments.
 */
package org.mqcgm.server.incidents;
