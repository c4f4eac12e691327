/**
 * The logbook: a wearer's check-ins (meals with photos, insulin, exercise, medication, finger-sticks, notes), over
 * the API and on the Logbook page, shown with the glucose curve, searchable by their owner and shared with followers
 * who hold the logbook share.
 */
package org.mqcgm.server.logbook;
