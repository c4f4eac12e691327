/**
 * The rights desk: requests about a person's data that self-service does not finish, as tracked cases with due
 * dates, an operators' queue, reminders, an overdue alarm, refusals only with a reason code, and fees only with a
 * justification (PR-61, PR-64, PR-73 – PR-76).
 */
package org.mqcgm.server.requests;
