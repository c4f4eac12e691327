/**
 * How long each category of data is kept (the retention schedule, A-01), the port each feature implements to delete
 * or anonymise its expired rows ({@link org.mqcgm.server.platform.retention.Expiry}) and the legal holds that
 * override it ({@link org.mqcgm.server.platform.retention.Holds}). Plain Java: no framework, no feature.
 */
package org.mqcgm.server.platform.retention;
