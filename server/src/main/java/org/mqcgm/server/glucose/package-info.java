/**
 * Glucose data: the readings API (upload and read back), the Today page with the live value and the 24-hour
 * chart, and the SQL that stores readings.
 */
package org.mqcgm.server.glucose;
